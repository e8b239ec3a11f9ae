"""The problem value every strategy receives: one curvature question about one claim.

"Is sign·f convex in the variables, for every parameter value in the box?"  The
function judged is ``function``; ``carrier`` is the same function with the definedness
obligations of the text as written attached (see :mod:`convexity_proofs._obligations`),
equal to ``function`` wherever the written text is defined and undefined elsewhere.
Provers reason about ``function`` and must establish the obligations (``total``);
refuters certify their witnesses on ``carrier``, so a witness can never use a point
where the written function is undefined.

Problems are immutable; the expensive shared artefacts (the compiled numeric program,
the definedness check, the composition analysis) live in one per-claim cache that the
signed and deadline-restricted copies share.
"""

from __future__ import annotations

import dataclasses
import zlib
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import sympy

from convexity_proofs._values import Claim, Domain, Obligation, interval_domain
from convexity_proofs.kernel import intervals as _intervals
from convexity_proofs.refuters._space import Deadline

if TYPE_CHECKING:
    from convexity_proofs._engine import Settings
    from convexity_proofs._numeric import Program


class _Shared:
    """Artefacts computed at most once per (claim, parameter pinning)."""

    def __init__(self) -> None:
        self.program: Any = False  # False: not compiled yet; None: cannot be compiled
        # False: not computed yet; None: not established on the whole box.
        self.definedness: Any = False
        self.smooth: bool | None = None
        self.analysis: Any = None


@dataclass(frozen=True)
class Problem:
    claim: Claim
    function: sympy.Expr
    carrier: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    parameters: tuple[sympy.Symbol, ...]
    domains: dict[sympy.Symbol, Domain]
    obligations: tuple[Obligation, ...]
    sign: int
    seed: int
    deadline: Deadline
    settings: Settings
    #: Parameters fixed to one value (a one-point domain) to answer "for some value".
    pinned: tuple[tuple[sympy.Symbol, Fraction], ...] = ()
    shared: _Shared = field(default_factory=_Shared, compare=False, repr=False)

    @classmethod
    def for_claim(cls, claim: Claim, settings: Settings, deadline: Deadline) -> Problem:
        from convexity_proofs._obligations import attach

        seed = (zlib.crc32(claim.name.encode()) ^ settings.seed) & 0xFFFFFFFF
        return cls(
            claim=claim,
            function=claim.function,
            carrier=attach(claim.function, claim.obligations),
            variables=claim.variables,
            parameters=claim.parameters,
            domains=dict(claim.domains),
            obligations=claim.obligations,
            sign=1,
            seed=seed,
            deadline=deadline,
            settings=settings,
        )

    # --- derived problems ---------------------------------------------------------

    def with_sign(self, sign: int) -> Problem:
        return self if sign == self.sign else dataclasses.replace(self, sign=sign)

    def with_deadline(self, deadline: Deadline) -> Problem:
        return dataclasses.replace(self, deadline=deadline)

    def pin(self, values: dict[sympy.Symbol, Fraction]) -> Problem:
        """The same question with each parameter fixed to one value (a one-point domain)."""
        domains = dict(self.domains)
        for symbol, value in values.items():
            domains[symbol] = interval_domain(value, value)
        return dataclasses.replace(
            self,
            domains=domains,
            pinned=tuple(sorted(values.items(), key=lambda item: item[0].name)),
            shared=_Shared(),
        )

    # --- shared artefacts ---------------------------------------------------------

    @property
    def signed(self) -> sympy.Expr:
        """sign·f, the function whose convexity is asked (for provers)."""
        return self.function if self.sign > 0 else -self.function

    @property
    def free_parameters(self) -> tuple[sympy.Symbol, ...]:
        """Parameters that still range over more than one value."""
        fixed = {s for s, _ in self.pinned}
        return tuple(
            s
            for s in self.parameters
            if s not in fixed
            and not (self.domains[s].lo is not None and self.domains[s].lo == self.domains[s].hi)
        )

    @property
    def program(self) -> Program | None:
        """The carrier compiled for the float searches (None: it cannot be evaluated)."""
        if self.shared.program is False:
            from convexity_proofs._numeric import compile_program

            self.shared.program = compile_program(self.carrier, self.variables + self.parameters)
        return self.shared.program  # type: ignore[no-any-return]

    @property
    def definedness(self) -> tuple[Any, ...] | None:
        """How f and every obligation of the written text are defined on the whole box
        (the facts a certificate records), or None when that is not established.
        Computed once: the proofs' ``total`` and the certificate share the enclosures."""
        if self.shared.definedness is False:
            from convexity_proofs._definedness import definedness_facts

            try:
                self.shared.definedness = definedness_facts(
                    self.function, self.obligations, self.domains
                )
            except _intervals.Undefined:
                self.shared.definedness = None
        return self.shared.definedness  # type: ignore[no-any-return]

    @property
    def total(self) -> bool:
        """f and every obligation of the written text are proved defined on the whole box."""
        return self.definedness is not None

    @property
    def undefined_obligations(self) -> tuple[Obligation, ...]:
        """The obligations that interval analysis cannot establish on the whole box."""
        from convexity_proofs._obligations import decisive

        return tuple(
            ob
            for ob in self.obligations
            if _intervals.defined(decisive(ob), self.domains) is not True
        )

    @property
    def smooth(self) -> bool:
        if self.shared.smooth is None:
            # the registry decides: no head with a kink (abs, max, min, Piecewise, ...)
            from convexity_proofs.functions import is_smooth

            self.shared.smooth = is_smooth(self.function)
        return self.shared.smooth
