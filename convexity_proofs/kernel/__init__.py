"""The trusted kernel: the arithmetic every verdict finally rests on.

Everything a certificate checker needs to decide a number, and nothing that searches:

* :mod:`.evaluate` evaluates an expression exactly (rationals), in Arb balls, as a
  rigorous Taylor polynomial or as an Arb series, and decides a witness's inequality;
* :mod:`.intervals` encloses the range of an expression over a box of intervals
  (signs of subexpressions, definedness on a whole domain);
* :mod:`.psd` decides a constant rational matrix by exact pivoted LDLᵀ;
* :mod:`.expressions` writes an expression as JSON data and reads it back, exactly
  and without ``eval`` or ``sympify``;
* :mod:`.network` evaluates a model's loss as a computation in Arb balls (matrix
  products in ``arb_mat``, a second-order forward pass for curvature), for the
  witnesses of claims decided from a model's structure.

The kernel imports only SymPy, python-flint and the value types (:mod:`.._values`,
:mod:`.._structure`; NumPy only converts and reshapes in :mod:`.network`, no float
arithmetic reaches a result); the provers, the refuters and the engine import it,
never the other way round.
"""
