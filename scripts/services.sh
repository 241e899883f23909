#!/usr/bin/env bash
# The local services the test suite talks to: PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth; the
# dagster-postgres tests) and Redis on 127.0.0.1:6379; and the headless browser of the browser tests
# (Debian's chromium and chromium-driver). Installs them with apt-get if their binaries are missing (Debian;
# needs root), starts the servers if they are not running, and lets user postgres in over TCP on 127.0.0.1
# without a password. When everything is already there and answers, it changes nothing.
set -euo pipefail

APT_UPDATED=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "services.sh: $* missing; installing needs root (apt-get install $*)" >&2
    exit 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    echo "==> apt-get update"
    apt-get update -qq
    APT_UPDATED=1
  fi
  echo "==> installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- PostgreSQL ------------------------------------------------------------------------------------------
PG_MARKER="# projections: the test suite connects as postgres over TCP on loopback, no password"
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
# Connects without any password source, so it succeeds only if loopback TCP is trusted.
pg_trusted() {
  env -u PGPASSWORD PGPASSFILE=/dev/null PGCONNECT_TIMEOUT=5 \
    psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -w -tAc 'SELECT 1' >/dev/null 2>&1
}

if ! pg_up || ! pg_trusted; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt_install postgresql
  fi
  # The newest existing cluster's version, else the newest installed server's.
  version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
  [ -n "$version" ] || version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if [ ! -d "/etc/postgresql/$version/main" ]; then
    echo "==> creating the PostgreSQL $version cluster 'main'"
    pg_createcluster "$version" main >/dev/null
  fi
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # The first matching line wins: put the trust lines first (once; the marker makes it idempotent). A fresh
  # Debian cluster asks for scram-sha-256 on 127.0.0.1, which the tests cannot answer.
  changed=0
  if ! grep -qF "$PG_MARKER" "$hba"; then
    echo "==> trusting user postgres on 127.0.0.1 in $hba"
    {
      echo "$PG_MARKER"
      echo "host    all    postgres    127.0.0.1/32    trust"
      echo "host    all    postgres    ::1/128         trust"
      cat "$hba"
    } >"$hba.tmp"
    chown --reference="$hba" "$hba.tmp"
    chmod --reference="$hba" "$hba.tmp"
    mv "$hba.tmp" "$hba"
    changed=1
  fi
  # The socket directory lives on /run, which a reboot of a machine without systemd empties.
  install -d -m 2775 -o postgres -g postgres /var/run/postgresql
  if pg_up; then
    [ "$changed" = 0 ] || pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  else
    echo "==> starting PostgreSQL $version"
    # The server refuses to run as root; pg_ctlcluster starts it as the cluster's owner.
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
  fi
  pg_up || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
  for _ in $(seq 1 20); do pg_trusted && break; sleep 0.5; done
  pg_trusted || {
    echo "PostgreSQL on 127.0.0.1:5432 does not let user postgres in without a password; see $hba" >&2
    exit 1
  }
fi

# --- Redis -----------------------------------------------------------------------------------------------
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || apt_install redis-server
if ! redis_up; then
  echo "==> starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  # "-::1": bind IPv6 loopback too when the machine has it, without failing when it does not.
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 20); do redis_up && break; sleep 0.25; done
  redis_up || { echo "Redis did not start on 127.0.0.1:6379" >&2; exit 1; }
fi

# --- Chromium (the browser tests: projections_assets_tests/status/test_browser.py) ------------------------
# Debian's chromium and its matching chromedriver, at the fixed paths the tests use.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ "${#missing[@]}" = 0 ] || apt_install "${missing[@]}"
