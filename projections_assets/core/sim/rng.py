"""Counter-based random streams for the sim: numpy's Philox4x64-10, evaluated inside compiled kernels.

Every stream is keyed by a stable hash of what it belongs to (`stream_key`):
a player's draws by (game_date, player_id), a game's pace and script by
(game_date, game_id). A player's world w is Philox blocks 2w and 2w + 1 of
`numpy.random.Philox(key=stream_key(...))`, read as sixteen 32-bit uniforms
(`uniforms32`: each 64-bit output gives two, its low half first); a game's
world w is block w, four 53-bit uniforms (`uniforms`). So a world never depends
on how many worlds were asked for, how they were chunked, or on any other
stream. `philox_block`
is the published Philox4x64-10 round function (the one numpy's bit generator
runs), written for numba because numpy's generators cannot be called per
element from a parallel kernel; a test pins it to numpy's `random_raw`
output bit for bit.
"""

from __future__ import annotations

import hashlib

import numba as nb
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

_M0 = np.uint64(0xD2E7470EE14C6C93)
_M1 = np.uint64(0xCA5A826395121157)
_W0 = np.uint64(0x9E3779B97F4A7C15)
_W1 = np.uint64(0xBB67AE8584CAA73B)
_S11 = np.uint64(11)
_ONE = np.uint64(1)
_TWO_M53 = 1.0 / 9007199254740992.0
_TWO_M32 = 1.0 / 4294967296.0
_LOW32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)


def stream_key(game_date: str, kind: str, ident: object) -> int:
    """The 128-bit Philox key of one stream: BLAKE2b of "game_date|kind|ident" (stable across runs)."""
    digest = hashlib.blake2b(f"{game_date}|{kind}|{ident}".encode(), digest_size=16).digest()
    return int.from_bytes(digest, "little")


def key_words(key: int) -> tuple[np.uint64, np.uint64]:
    """A 128-bit key as numpy's Philox stores it: (low 64 bits, high 64 bits)."""
    return np.uint64(key & 0xFFFFFFFFFFFFFFFF), np.uint64(key >> 64)


@intrinsic
def _mulhilo(typingctx, a, b):  # type: ignore[no-untyped-def]
    """(high, low) 64-bit words of the 128-bit product a x b: one machine multiply (LLVM's i128)."""
    sig = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        wide = ir.IntType(128)
        product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
        hi = builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))
        lo = builder.trunc(product, ir.IntType(64))
        return context.make_tuple(builder, signature.return_type, [hi, lo])

    return sig, codegen


@nb.njit(cache=True, inline="always")
def _philox(c0: np.uint64, k0: np.uint64, k1: np.uint64) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64]:
    c1 = c2 = c3 = np.uint64(0)
    for _ in range(10):
        hi0, lo0 = _mulhilo(_M0, c0)
        hi1, lo1 = _mulhilo(_M1, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
        k0 = k0 + _W0
        k1 = k1 + _W1
    return c0, c1, c2, c3


@nb.njit(cache=True)
def philox_block(counter: np.uint64, k0: np.uint64, k1: np.uint64, out: np.ndarray) -> None:
    """Philox4x64-10 of the counter (counter, 0, 0, 0) under key (k0, k1): four uint64 into `out`."""
    out[0], out[1], out[2], out[3] = _philox(counter, k0, k1)


@nb.njit(cache=True, inline="always")
def _unit(x: np.uint64) -> float:
    return (np.float64(x >> _S11) + 0.5) * _TWO_M53


@nb.njit(cache=True)
def uniforms(k0: np.uint64, k1: np.uint64, first_block: np.int64, blocks: np.int64, out: np.ndarray) -> None:
    """Doubles in (0, 1) from `blocks` Philox blocks starting at block `first_block` of the stream.

    Block b is numpy's outputs 4b..4b+3 (numpy increments the counter before
    each block, so block b runs on counter b + 1). A double is the top 53 bits,
    shifted half a step off zero so logarithms of it are finite.
    """
    for b in range(blocks):
        r0, r1, r2, r3 = _philox(np.uint64(first_block + b) + _ONE, k0, k1)
        out[4 * b] = _unit(r0)
        out[4 * b + 1] = _unit(r1)
        out[4 * b + 2] = _unit(r2)
        out[4 * b + 3] = _unit(r3)


@nb.njit(cache=True, inline="always")
def _unit32(x: np.uint64) -> float:
    return (np.float64(x) + 0.5) * _TWO_M32


@nb.njit(cache=True)
def uniforms32(
    k0: np.uint64, k1: np.uint64, first_block: np.int64, blocks: np.int64, out: np.ndarray
) -> None:
    """Doubles in [2^-33, 1 - 2^-33] from `blocks` Philox blocks starting at block `first_block`: 8 per block.

    Output o of block b (numpy's output 4b + o) gives uniforms 8b + 2o (its
    low 32 bits) and 8b + 2o + 1 (its high 32 bits), each (x + 1/2) / 2^32:
    half the Philox work of `uniforms`, never 0 or 1, and a resolution
    (2^-32) far below anything a sim statistic can see.
    """
    for b in range(blocks):
        r0, r1, r2, r3 = _philox(np.uint64(first_block + b) + _ONE, k0, k1)
        out[8 * b] = _unit32(r0 & _LOW32)
        out[8 * b + 1] = _unit32(r0 >> _S32)
        out[8 * b + 2] = _unit32(r1 & _LOW32)
        out[8 * b + 3] = _unit32(r1 >> _S32)
        out[8 * b + 4] = _unit32(r2 & _LOW32)
        out[8 * b + 5] = _unit32(r2 >> _S32)
        out[8 * b + 6] = _unit32(r3 & _LOW32)
        out[8 * b + 7] = _unit32(r3 >> _S32)
