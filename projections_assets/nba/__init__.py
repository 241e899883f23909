"""Facts about the NBA and its sources, shared by the simulated league, the parsers and the product.

The one place each such fact is written: the league renders with it, the parsers read with it and the
product reasons with it, so none of them imports another for it.
"""
