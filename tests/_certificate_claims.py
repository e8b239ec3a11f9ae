"""Claims shared by the certificate tests: one of each kind of verdict (a proof, a
segment witness, a proof of "neither" by witnesses, a point witness against invariance)."""

CLAIMS = """
[[claim]]
name = "square"
function = "x**2"
variables = ["x"]
property = "convex"

[[claim]]
name = "saddle"
function = "x*y"
variables = ["x", "y"]
property = "convex"
expect = "fails"

[[claim]]
name = "sine-is-neither"
function = "sin(x)"
variables = ["x"]
property = "neither"

[[claim]]
name = "half-swap"
function = "v1*tanh(w1) + v2*tanh(w2)"
property = "invariant"
substitution = { w1 = "w2", w2 = "w1" }
expect = "fails"
"""
