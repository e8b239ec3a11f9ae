"""What reports say, as plain data: shared by the rich and the Markdown renderers.

Keeping the words in one place means the terminal report, the Markdown report, the
pytest failure and the Jupyter view never disagree about what a witness shows.

Every string that comes from a claim file (statement, function text, file name, symbol
names, the swap a permutation witness names) leaves this module with its control and
bidi characters escaped (:func:`convexity_proofs._safe_text.escape_control`): a claim
file must not be able to drive the terminal a report is printed on.  :func:`safe` is
the same for the renderers' own strings (proof steps and attempts quote user text).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from convexity_proofs._safe_text import escape_control
from convexity_proofs._values import (
    Attempt,
    AttemptKind,
    Claim,
    CurvatureWitness,
    Enclosure,
    LevelWitness,
    ModelCurvatureWitness,
    ModelSegmentWitness,
    OrderedWitness,
    PointWitness,
    Quantifier,
    SegmentWitness,
    ValueWitness,
    Verdict,
    Witness,
    format_number,
)

Column = tuple[str, Sequence[tuple[str, Fraction]]]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def safe(text: object) -> str:
    """One line of report text with control and bidi characters made visible."""
    return escape_control(str(text))


def safe_block(text: object) -> str:
    """Multi-line report text (a statement, a function text): newlines and tabs kept."""
    return escape_control(str(text), keep_newlines=True, keep_tabs=True)


def value_cell(q: Fraction) -> str:
    """An exact value, with a decimal beside it when it is not an integer (and fits a float)."""
    exact = str(format_number(q))
    if q.denominator == 1:
        return exact
    try:
        approx = float(q)
    except OverflowError:  # beyond the float range: the exact value says it all
        return exact
    return f"{exact} ≈ {approx:.6g}"


def claim_facts(claim: Claim) -> list[tuple[str, str]]:
    """The claim as (label, text) rows: what was claimed, about what, on which domain.

    Every text is escaped (statement and function text keep their line breaks)."""
    rows = []
    if claim.statement:
        rows.append(("statement", safe_block(claim.statement)))
    rows.append(("function", safe_block(claim.source or str(claim.function))))
    normal = normal_form_text(claim)
    if normal:
        rows.append(("normal form", safe(normal)))
    from convexity_proofs._model_text import model_facts

    rows += [(label, safe(text)) for label, text in model_facts(claim)]
    if claim.along:
        import sympy

        line = ", ".join(f"{s.name} = {sympy.sstr(e, order='none')}" for s, e in claim.along)
        rows.append(("along", safe(f"{line}: judged {sympy.sstr(claim.function, order='none')}")))
    if claim.rewritten:
        rows.append(("judged as", safe_block(_judged_as(claim))))
    rows.append(("variables", safe(claim.variables_text())))
    names = claim.parameters_text()
    if names:
        reading = "for every value" if claim.quantifier is Quantifier.ALL else "for some value"
        rows.append(("parameters", safe(f"{names} ({reading})")))
    restricted = [(s, d) for s, d in claim.domains if d.name != "real"]
    if restricted:
        rows.append(
            ("domain", safe(", ".join(f"{s.name} ∈ {d.describe()}" for s, d in restricted)))
        )
    for _, change in claim.reparametrized:
        rows.append(
            ("change of variable", safe(change + ": the claim is decided in the new variable"))
        )
    rows.append(("property", safe(property_text(claim))))
    from convexity_proofs._reductions import describe_reduction

    reading = describe_reduction(claim)
    if reading:
        rows.append(("meaning", safe(reading)))
    return rows


def normal_form_text(claim: Claim) -> str:
    """SymPy's form of the function (the one proofs are about, its terms in SymPy's
    order), shortened; "" when it reads as the text the user wrote."""
    from convexity_proofs._brief import brief
    from convexity_proofs._structure import MODEL_LOSS

    if claim.function == MODEL_LOSS:  # decided from the model's structure: no formula
        return ""
    shown = brief(claim.function, 200)
    written = claim.source or ""
    if not written or _spaceless(shown) == _spaceless(written):
        return ""
    return shown


def _spaceless(text: str) -> str:
    return "".join(text.split())


def _judged_as(claim: Claim) -> str:
    """What SymPy's automatic evaluation made of the text, and what was kept of it."""
    import sympy

    removed = ", ".join(claim.rewritten)
    kept = ", ".join(ob.describe() for ob in claim.obligations)
    text = f"{sympy.sstr(claim.function)} (SymPy's evaluation removed {removed}"
    if kept:
        text += f"; the function as written is defined only where {kept}, and that is kept"
    return text + ")"


def expectation(claim: Claim) -> str:
    """What the claim expects, for reports: "expected to hold", "" when exploratory."""
    if claim.exploratory:
        return ""
    if claim.expect.value == "unknown":
        return "expected: unknown"
    return f"expected to {claim.expect.value[:-1]}"


def property_text(claim: Claim) -> str:
    """The property and what the claim expects: ``convex (expected to hold)``."""
    expected = expectation(claim)
    return f"{claim.property} ({expected})" if expected else str(claim.property)


def outcome(verdict: Verdict) -> str:
    """PASS or FAIL; an exploratory check's neutral "decided" or "undecided"."""
    if verdict.claim.exploratory:
        return "decided" if verdict.passed else "undecided"
    return "PASS" if verdict.passed else "FAIL"


def outcome_note(verdict: Verdict) -> str:
    """Why a claim that expects ``unknown`` passed or failed, else ""."""
    if verdict.claim.exploratory or verdict.claim.expect.value != "unknown":
        return ""
    if verdict.passed:
        return "expected: unknown, a known limitation"
    return "expected unknown: update expect"


def counts(verdicts: Sequence[Verdict]) -> str:
    """The summary's last line: "2 passed, 1 failed" ("2 decided, 1 unknown" when every
    check is exploratory)."""
    passed = sum(v.passed for v in verdicts)
    if verdicts and all(v.claim.exploratory for v in verdicts):
        return f"{passed} decided, {len(verdicts) - passed} unknown"
    return f"{passed} passed, {len(verdicts) - passed} failed"


def attempt_text(attempt: Attempt) -> str:
    """An attempt's outcome, saying whether the strategy ran and for how long:
    ``ran, inconclusive (0.12 s): no rule for sin(x)``; a skipped strategy's outcome
    already says "does not apply: <the condition that failed>"."""
    took = f" ({attempt.seconds:.2f} s)" if attempt.seconds is not None else ""
    if attempt.kind is AttemptKind.INCONCLUSIVE:
        return safe(f"ran, inconclusive{took}: {attempt.outcome}")
    if attempt.kind is AttemptKind.CUT_SHORT and attempt.strategy != "time limit":
        return safe(f"ran, cut short by the time limit{took}: {attempt.outcome}")
    return safe(attempt.outcome + (took if attempt.kind is AttemptKind.ERROR else ""))


def location(claim: Claim) -> str:
    """Where the claim was written (its file name escaped), or ""."""
    if claim.file and claim.line:
        return safe(f"{claim.file}:{claim.line}")
    return safe(claim.file or "")


#: Significant digits of the outward-rounded ends of an enclosure shown in a sentence.
ENCLOSURE_DIGITS = 8
#: An exact rational longer than this is shown by its enclosure's ends instead.
EXACT_CHARACTERS = 30


def _rounded(q: Fraction, rounding: str) -> str:
    import decimal

    context = decimal.Context(prec=ENCLOSURE_DIGITS, rounding=rounding)
    value = context.divide(decimal.Decimal(q.numerator), decimal.Decimal(q.denominator))
    return f"{value:g}"


def certified_number(value: Enclosure | None, approx: float) -> str:
    """A certified number for a sentence: the exact rational with its decimal
    (``-1/4 ≈ -0.25``), or the decimal with the enclosure it was certified in, rounded
    outward (``-0.0883883 ∈ [-0.088388348, -0.088388347]``)."""
    import decimal

    shown = f"{approx:.6g}"
    if value is None:
        return shown
    if value.is_exact:
        q = value.lo
        exact = str(format_number(q))
        if q.denominator == 1 and len(exact) <= EXACT_CHARACTERS:
            return exact
        if len(exact) <= EXACT_CHARACTERS:
            return f"{exact} ≈ {shown}"
    lo = _rounded(value.lo, decimal.ROUND_FLOOR)
    hi = _rounded(value.hi, decimal.ROUND_CEILING)
    return f"{_inside(value)} ∈ [{lo}, {hi}]"


def _inside(value: Enclosure) -> str:
    """The shortest decimal (6 significant digits or more) that lies in the enclosure,
    so the number shown is one the certificate allows."""
    import decimal

    mid = (value.lo + value.hi) / 2
    for digits in range(6, 41):
        context = decimal.Context(prec=digits, rounding=decimal.ROUND_HALF_EVEN)
        shown = context.divide(decimal.Decimal(mid.numerator), decimal.Decimal(mid.denominator))
        if value.lo <= Fraction(shown) <= value.hi:
            return f"{shown:g}"
    return f"{context.divide(decimal.Decimal(mid.numerator), decimal.Decimal(mid.denominator)):g}"


def _number(witness: Witness, key: str, approx: float | None = None) -> str:
    """The recorded value ``key`` of a witness as :func:`certified_number` shows it."""
    value = witness.recorded(key)
    if approx is None:
        approx = value.approximate() if value is not None else float("nan")
    return certified_number(value, approx)


def witness_subject(prop: object) -> str:
    """What a segment or curvature witness of a claim with property ``prop`` is about:
    "f", or for the reduced properties "g" (f − m/2·|x|²) or "log f"."""
    from convexity_proofs._values import Property

    if prop is Property.STRONGLY_CONVEX:
        return "g"
    if prop in (Property.LOG_CONCAVE, Property.LOG_CONVEX):
        return "log f"
    return "f"


def subject_note(prop: object) -> str:
    """For the reduced properties, what a witness or proof is about (it is not f)."""
    subject = witness_subject(prop)
    if subject == "g":
        return "The witness is about g = f − m/2·|x|² (m the modulus). "
    if subject == "log f":
        return "The witness is about log f. "
    return ""


def witness_title(witness: Witness) -> str:
    return f"{witness.kind} witness"


#: At most this many coordinates of a model witness are shown in a report (the
#: certificate has every one).
MODEL_ROWS = 12


def _coordinate_name(witness: ModelSegmentWitness | ModelCurvatureWitness, index: int) -> str:
    layout = witness.layout
    return layout.name(index) if layout is not None else f"θ[{index}]"


def _model_columns(witness: ModelSegmentWitness | ModelCurvatureWitness) -> list[Column]:
    """The coordinates that matter: where a and b differ (segment), or where the
    direction is not zero (curvature), at most MODEL_ROWS of them."""
    import numpy as np

    if isinstance(witness, ModelSegmentWitness):
        first, second, labels = witness.a, witness.b, ("a", "b")
        moved = np.flatnonzero(first.floats() != second.floats())
    else:
        first, second, labels = witness.point, witness.direction, ("point", "direction")
        moved = np.flatnonzero(second.numerators)
    shown = [int(i) for i in moved[:MODEL_ROWS]]
    return [
        (label, [(_coordinate_name(witness, i), vector.value(i)) for i in shown])
        for label, vector in zip(labels, (first, second), strict=True)
    ]


def _model_sentence(witness: ModelSegmentWitness | ModelCurvatureWitness, subject: str) -> str:
    import numpy as np

    size = len(
        witness.a.numerators
        if isinstance(witness, ModelSegmentWitness)
        else witness.point.numerators
    )
    if isinstance(witness, ModelSegmentWitness):
        moved = int(np.count_nonzero(witness.a.floats() != witness.b.floats()))
        f_m, chord = _number(witness, "f_m"), _number(witness, "chord")
        relation = {">": "above", "<": "below"}.get(witness.relation, witness.relation)
        meaning = (
            "a convex function never rises above a chord"
            if witness.relation == ">"
            else "a concave function never falls below a chord"
        )
        argument = ""
        if witness.argument == "permutation":
            argument = (
                f"The permutation argument, made rigorous: b is a with {safe(witness.swap)} "
                "swapped (incoming weights, bias and outgoing weights together), which leaves "
                "the loss unchanged by construction. "
            )
        return (
            f"{argument}a and b are points of all {size} parameters that differ in {moved} "
            f"(shown{' first ' + str(MODEL_ROWS) if moved > MODEL_ROWS else ''}; the "
            f"certificate lists every coordinate). On the segment from a to b, {subject} at "
            f"t = {format_number(witness.t)} is {f_m}, {relation} its chord {chord}, "
            f"certified by rigorous forward passes: {meaning}."
        )
    moved = int(np.count_nonzero(witness.direction.numerators))
    word = "negative" if witness.relation == "<0" else "positive"
    meaning = (
        "a convex function never curves downward"
        if witness.relation == "<0"
        else "a concave function never curves upward"
    )
    return (
        f"Along the line through the point (all {size} parameters) in a direction that moves "
        f"{moved} of them, the second derivative of {subject} is "
        f"{_number(witness, 'second_derivative')} ({word}, certified by a rigorous "
        f"second-order forward pass): {meaning}."
    )


def witness_columns(witness: Witness) -> list[Column]:
    """The exact numbers of a witness, column by column."""
    if isinstance(witness, ModelSegmentWitness | ModelCurvatureWitness):
        return _model_columns(witness)
    if isinstance(witness, SegmentWitness | OrderedWitness | LevelWitness):
        columns: list[Column] = [("a", witness.a), ("b", witness.b)]
    elif isinstance(witness, CurvatureWitness):
        columns = [("point", witness.point), ("direction", witness.direction)]
    elif isinstance(witness, ValueWitness):
        columns = [("point", witness.point)]
    else:
        return [("point", witness.point)]
    if witness.parameters:
        columns.append(("parameters", witness.parameters))
    return columns


def symbol_rows(columns: Sequence[Column]) -> list[tuple[str, list[str]]]:
    """One row per symbol (in first-seen order), one cell per column."""
    names: list[str] = []
    for _, values in columns:
        for name, _ in values:
            if name not in names:
                names.append(name)
    lookups = [dict(values) for _, values in columns]
    return [
        (safe(name), [value_cell(lk[name]) if name in lk else "" for lk in lookups])
        for name in names
    ]


def witness_sentence(witness: Witness, subject: str = "f") -> str:
    """One plain sentence saying what the witness shows and why it settles the claim."""
    if isinstance(witness, ModelSegmentWitness | ModelCurvatureWitness):
        return _model_sentence(witness, subject)
    if isinstance(witness, SegmentWitness):
        relation = {">": "above", "<": "below", "=": "exactly on"}[witness.relation]
        meaning = {
            ">": "a convex function never rises above a chord",
            "<": "a concave function never falls below a chord",
            "=": "a strictly convex or concave function is never exactly on a chord "
            "inside a segment",
        }[witness.relation]
        argument = ""
        if witness.argument == "permutation":
            argument = (
                f"The permutation argument, made rigorous: b is a with {safe(witness.swap)} "
                "swapped, which provably leaves f unchanged, so f(a) = f(b). "
            )
        return (
            f"{argument}On the segment from a to b, {subject} at t = {format_number(witness.t)} "
            f"(the point t·a + (1−t)·b) is {_number(witness, 'f_m', witness.at_t)}, {relation} "
            f"its chord {_number(witness, 'chord', witness.chord)}: {meaning}."
        )
    if isinstance(witness, CurvatureWitness):
        word = "negative" if witness.sign == "<0" else "positive"
        meaning = (
            "a convex function never curves downward"
            if witness.sign == "<0"
            else "a concave function never curves upward"
        )
        return (
            "Along the line through the point in this direction, the second derivative of "
            f"{subject} "
            f"is {_number(witness, 'second_derivative', witness.second_derivative)} "
            f"({word}, certified): {meaning}."
        )
    if isinstance(witness, PointWitness):
        return (
            f"At this point f = {_number(witness, 'value', witness.value)} but the substituted "
            f"function = {_number(witness, 'substituted_value', witness.substituted_value)} "
            "(certified different), so the substitution "
            "changes the function."
        )
    if isinstance(witness, OrderedWitness):
        f_a, f_b = _number(witness, "f_a"), _number(witness, "f_b")
        relation, meaning = {
            ">": ("above", "a nondecreasing function never falls from a to b"),
            "<": ("below", "a nonincreasing function never rises from a to b"),
            ">=": ("not below", "an increasing function rises from a to b"),
            "<=": ("not above", "a decreasing function falls from a to b"),
        }.get(witness.relation, (witness.relation, ""))
        return (
            f"a <= b (one variable moved), yet f(a) = {f_a} is {relation} f(b) = {f_b} "
            f"(certified): {meaning}."
        )
    if isinstance(witness, LevelWitness):
        f_a, f_b, f_m = (_number(witness, k) for k in ("f_a", "f_b", "f_m"))
        if witness.relation == ">max":
            tail = (
                f"above both ends f(a) = {f_a} and f(b) = {f_b} (certified): the "
                "sublevel set {f <= max(f(a), f(b))} holds a and b but not the point "
                "between them, so it is not convex and f is not quasiconvex"
            )
        else:
            tail = (
                f"below both ends f(a) = {f_a} and f(b) = {f_b} (certified): the "
                "superlevel set {f >= min(f(a), f(b))} is not convex, so f is not quasiconcave"
            )
        return (
            f"On the segment from a to b, f at t = {format_number(witness.t)} (the point "
            f"t·a + (1−t)·b) is {f_m}, {tail}."
        )
    if isinstance(witness, ValueWitness):
        value = _number(witness, "value")
        return (
            f"At this point f = {value} <= 0 (certified): a log-concave or log-convex "
            "function is positive everywhere."
        )
    raise TypeError(f"not a witness: {witness!r}")
