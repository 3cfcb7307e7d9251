"""An upper bound of the runtime cost the API server charges for one CEL expression.

The API server meters every ValidatingAdmissionPolicy expression with cel-go's runtime cost
model and stops one that passes the per-expression limit (1,000,000 units, PerCallLimit).
This estimator walks the expression (parsed by cel-python) with the same unit costs
(cel-go `common/cost.go`, `interpreter/runtimecost.go`): 1 per identifier, field selection,
index and plain call; 0 per literal; string traversals at 0.1 per character; `matches` at
ceil(0.1 * string size) * ceil(0.25 * pattern size); 10 per list created; comprehensions as
their iterations times their step.

Sizes are bounded by what the API server has already checked before admission runs
(`pkg/apis/storage/validation`: at most 512 parameters, their keys and values 256 KiB in all)
and by the guards the expressions carry: `size(x) <= N && ...`, a ternary on `size(x) <= N`,
and a regular expression that admits at most N characters. Costs and sizes are linear forms
over "the current element" of each loop, so a loop over the parameters is charged
512 * (its step's fixed cost) + (its per-character cost) * 256 Ki, not 512 times the largest
key: the sum of the keys' sizes is what the API server bounds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import lark
from celpy.celparser import CELParser

MAX_PARAMETERS = 512
MAX_PARAMETER_BYTES = 256 * 1024
# Other strings and lists of the object (mountOptions entries): bounded by the request size,
# 3 MiB, which is what the guards on them stand in front of.
MAX_REQUEST = 3 * 1024 * 1024
PER_CALL_LIMIT = 1_000_000

STRING_TRAVERSAL = 0.1
REGEX_LENGTH = 0.25
LIST_CREATE = 10


class Linear:
    """const + sum(coef[s] * s) over loop-element symbols s."""

    __slots__ = ("const", "coef")

    def __init__(self, const: float = 0, coef: dict | None = None):
        self.const = const
        self.coef = dict(coef or {})

    def __add__(self, other):
        other = other if isinstance(other, Linear) else Linear(other)
        coef = dict(self.coef)
        for k, v in other.coef.items():
            coef[k] = coef.get(k, 0) + v
        return Linear(self.const + other.const, coef)

    __radd__ = __add__

    def scale(self, factor: float) -> "Linear":
        return Linear(self.const * factor, {k: v * factor for k, v in self.coef.items()})

    def times(self, other: "Linear", bounds: dict) -> "Linear":
        """A product; when both sides depend on elements, the smaller side is replaced by its
        bound (an over-estimate, never an under-estimate)."""
        if not self.coef:
            return other.scale(self.const)
        if not other.coef:
            return self.scale(other.const)
        return self.scale(other.bound(bounds))

    def bound(self, bounds: dict) -> float:
        return self.const + sum(v * bounds[k] for k, v in self.coef.items())

    def max(self, other: "Linear") -> "Linear":
        coef = dict(self.coef)
        for k, v in other.coef.items():
            coef[k] = max(coef.get(k, 0), v)
        return Linear(max(self.const, other.const), coef)

    def ceil_factor(self, factor: float) -> "Linear":
        # ceil(x * f) <= x * f + 1
        return self.scale(factor) + 1


@dataclass
class Value:
    cost: Linear
    size: Linear  # characters of a string, items of a list or map
    # For lists and maps: the size of one element, and the bound on all elements together.
    element: Linear | None = None
    total: Linear | None = None
    text: str = ""
    literal: str | None = None
    is_map: bool = False
    is_parameters: bool = False
    is_variables: bool = False
    is_object: bool = False
    # A list literal's elements, for the one-element `map` that binds a name.
    items: list | None = None


@dataclass
class Scope:
    names: dict = field(default_factory=dict)  # identifier -> Value
    refined: dict = field(default_factory=dict)  # source text -> size bound (Linear)
    bounds: dict = field(default_factory=dict)  # symbol -> numeric bound
    elements: dict = field(default_factory=dict)  # source text -> bound on each element's size

    def child(self) -> "Scope":
        return Scope(dict(self.names), dict(self.refined), dict(self.bounds), dict(self.elements))


class Estimator:
    def __init__(self, variables: dict[str, "Value"] | None = None):
        self.variables = variables or {}
        self.symbols = 0

    # --- entry -------------------------------------------------------------------------------

    def estimate(self, expression: str, scope: Scope | None = None) -> Value:
        tree = CELParser().parse(expression)
        return self.node(tree, scope or self.root_scope())

    def root_scope(self) -> Scope:
        scope = Scope()
        parameters = Value(
            cost=Linear(1), size=Linear(MAX_PARAMETERS), element=Linear(MAX_PARAMETER_BYTES),
            total=Linear(MAX_PARAMETER_BYTES), text="variables.p")
        obj = Value(cost=Linear(1), size=Linear(MAX_REQUEST), element=Linear(MAX_REQUEST), total=Linear(MAX_REQUEST), text="object")
        scope.names["object"] = obj
        scope.names["variables"] = Value(cost=Linear(1), size=Linear(0), text="variables")
        scope.names["__parameters__"] = parameters
        return scope

    # --- helpers -----------------------------------------------------------------------------

    WRAPPERS = {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication", "unary",
                "member", "primary", "paren_expr"}

    @staticmethod
    def text(tree) -> str:
        """A canonical form of a subtree: equal for the same expression wherever it appears,
        with single-child wrappers (and parentheses) dropped."""
        if isinstance(tree, lark.Token):
            return str(tree)
        if tree.data in Estimator.WRAPPERS and len(tree.children) == 1:
            return Estimator.text(tree.children[0])
        return tree.data + "(" + ",".join(Estimator.text(c) for c in tree.children) + ")"

    @staticmethod
    def core(tree):
        while not isinstance(tree, lark.Token) and tree.data in Estimator.WRAPPERS and len(tree.children) == 1:
            tree = tree.children[0]
        return tree

    def conjuncts(self, tree) -> list:
        tree = self.core(tree)
        if not isinstance(tree, lark.Token) and tree.data == "conditionaland" and len(tree.children) == 2:
            return self.conjuncts(tree.children[0]) + self.conjuncts(tree.children[1])
        return [tree]

    def size_guard(self, tree):
        """(target text, bound) of `size(x) <= N`, `size(x) < N` or `size(x) == N`."""
        tree = self.core(tree)
        if isinstance(tree, lark.Token) or tree.data != "relation" or len(tree.children) != 2:
            return None
        op, right = tree.children
        if op.data not in ("relation_le", "relation_lt", "relation_eq"):
            return None
        left, right = self.core(op.children[0]), self.core(right)
        if isinstance(left, lark.Token) or left.data != "ident_arg" or str(left.children[0]) != "size":
            return None
        if isinstance(right, lark.Token) or right.data != "literal" or not str(right.children[0]).isdigit():
            return None
        number = int(str(right.children[0]))
        return self.text(left.children[1].children[0]), number - 1 if op.data == "relation_lt" else number

    def fresh(self, scope: Scope, bound: float) -> Linear:
        self.symbols += 1
        name = f"s{self.symbols}"
        scope.bounds[name] = bound
        return Linear(0, {name: 1})

    def size_of(self, value: Value, scope: Scope) -> Linear:
        refined = scope.refined.get(value.text)
        return refined if refined is not None else value.size

    # --- nodes -------------------------------------------------------------------------------

    def node(self, tree, scope: Scope) -> Value:
        if isinstance(tree, lark.Token):
            raise ValueError(f"unexpected token {tree!r}")
        handler = getattr(self, "n_" + tree.data, None)
        if handler is None:
            raise ValueError(f"no cost rule for {tree.data}")
        value = handler(tree, scope)
        value.text = self.text(tree)
        return value

    def passthrough(self, tree, scope):
        return self.node(tree.children[0], scope)

    n_expr_single = passthrough

    def n_expr(self, tree, scope):
        if len(tree.children) == 1:
            return self.node(tree.children[0], scope)
        cond, yes, no = tree.children
        c = self.node(cond, scope)
        yes_scope = scope.child()
        self.refine(cond, yes_scope)
        a, b = self.node(yes, yes_scope), self.node(no, scope)
        size = self.size_of(a, yes_scope).max(self.size_of(b, scope))
        return Value(cost=c.cost + a.cost.max(b.cost), size=size,
                     element=a.element if a.element is not None else b.element,
                     total=a.total if a.total is not None else b.total)

    def refine(self, cond, scope: Scope):
        """`size(x) <= N` (or `<`, `==`), alone or in a chain of `&&`, bounds x's size after it;
        `x.all(m, size(m) <= N)` bounds the size of each element of x."""
        for part in self.conjuncts(cond):
            guard = self.size_guard(part)
            if guard:
                scope.refined[guard[0]] = Linear(guard[1])
                continue
            if not isinstance(part, lark.Token) and part.data == "member_dot_arg" and str(part.children[1]) == "all":
                arglist = part.children[2].children
                guard = self.size_guard(arglist[1])
                if guard and guard[0] == self.text(arglist[0]):
                    scope.elements[self.text(part.children[0])] = guard[1]

    def disjuncts(self, tree) -> list:
        tree = self.core(tree)
        if not isinstance(tree, lark.Token) and tree.data == "conditionalor" and len(tree.children) == 2:
            return self.disjuncts(tree.children[0]) + self.disjuncts(tree.children[1])
        return [tree]

    def n_conditionalor(self, tree, scope):
        if len(tree.children) == 1:
            return self.node(tree.children[0], scope)
        a = self.node(tree.children[0], scope)
        # `!x || y`: y runs only when x holds, so x's guards apply to y.
        right = scope.child()
        for part in self.disjuncts(tree.children[0]):
            if not isinstance(part, lark.Token) and part.data == "unary" and len(part.children) == 2:
                self.refine(part.children[1], right)
        b = self.node(tree.children[1], right)
        return Value(cost=a.cost + b.cost, size=Linear(1))

    def n_conditionaland(self, tree, scope):
        if len(tree.children) == 1:
            return self.node(tree.children[0], scope)
        a = self.node(tree.children[0], scope)
        right = scope.child()
        self.refine(tree.children[0], right)
        b = self.node(tree.children[1], right)
        return Value(cost=a.cost + b.cost, size=Linear(1))

    # `relation [relation_op [left], right]`, and the same shape for addition and
    # multiplication; `unary [unary_not, operand]`.
    def operator(self, tree, scope):
        if len(tree.children) == 1:
            return self.node(tree.children[0], scope)
        op, right = tree.children
        kind = {
            "relation_in": "in", "relation_eq": "eq", "relation_ne": "eq", "addition_add": "add",
        }.get(op.data, "num")
        return self.binary(op.children[0], right, scope, kind)

    n_relation = n_addition = n_multiplication = operator

    def binary(self, left_tree, right_tree, scope, kind):
        left = self.node(left_tree, scope)
        right = self.node(right_tree, scope)
        cost = left.cost + right.cost + 1
        size = Linear(1)
        if kind == "in":
            # cel-go charges a list's size for `in` (O(n)); a map lookup is O(1).
            if not right.is_map:
                cost = cost + self.size_of(right, scope)
        elif kind == "eq":
            # O(min(m, n)): bounded by either side.
            smaller = self.size_of(left, scope)
            if not smaller.coef and right.literal is not None:
                smaller = Linear(min(smaller.const, len(right.literal)))
            elif right.literal is not None:
                smaller = Linear(len(right.literal))
            cost = cost + smaller.ceil_factor(STRING_TRAVERSAL)
        elif kind == "add":
            # String concatenation copies both sides.
            size = self.size_of(left, scope) + self.size_of(right, scope)
            cost = cost + size.ceil_factor(STRING_TRAVERSAL)
        return Value(cost=cost, size=size)

    def n_unary(self, tree, scope):
        if len(tree.children) == 1:
            return self.node(tree.children[0], scope)
        v = self.node(tree.children[-1], scope)
        return Value(cost=v.cost + 1, size=Linear(1))

    def n_member(self, tree, scope):
        return self.passthrough(tree, scope)

    def n_primary(self, tree, scope):
        return self.passthrough(tree, scope)

    def n_paren_expr(self, tree, scope):
        inner = self.node(tree.children[0], scope)
        refined = scope.refined.get(self.text(tree.children[0]))
        return Value(cost=inner.cost, size=refined if refined is not None else inner.size,
                     element=inner.element, total=inner.total, text=inner.text)

    def n_literal(self, tree, scope):
        token = tree.children[0]
        raw = str(token)
        if raw.startswith(("'", '"')):
            text = raw[1:-1]
            return Value(cost=Linear(0), size=Linear(len(text)), literal=text)
        return Value(cost=Linear(0), size=Linear(1))

    def n_ident(self, tree, scope):
        name = str(tree.children[0])
        if name in scope.names:
            v = scope.names[name]
            return Value(cost=Linear(1), size=v.size, element=v.element, total=v.total,
                         is_variables=name == "variables", is_object=name == "object")
        raise ValueError(f"unknown identifier {name}")

    def n_list_lit(self, tree, scope):
        items = [self.node(c, scope) for c in (tree.children[0].children if tree.children else [])]
        for item in items:
            item.size = self.size_of(item, scope)
        cost = sum((i.cost for i in items), Linear(LIST_CREATE))
        element = Linear(0)
        for i in items:
            element = element.max(i.size)
        total = sum((i.size for i in items), Linear(0))
        return Value(cost=cost, size=Linear(len(items)), element=element, total=total, items=items)

    def n_map_lit(self, tree, scope):
        entries = len(tree.children[0].children) // 2 if tree.children else 0
        return Value(cost=Linear(30 + entries), size=Linear(entries), element=Linear(0), total=Linear(0), is_map=True)

    def n_member_dot(self, tree, scope):
        target, name = tree.children[0], str(tree.children[1])
        base = self.node(target, scope)
        if base.is_variables:
            if name == "p":
                p = scope.names["__parameters__"]
                return Value(cost=Linear(1), size=p.size, element=p.element, total=p.total, is_map=True, is_parameters=True)
            v = self.variables[name]
            # A variable's own cost is charged once per evaluation: see `bound_expression`.
            return Value(cost=Linear(1), size=v.size, element=v.element, total=v.total, is_map=v.is_map)
        if base.is_object:
            o = scope.names["object"]
            return Value(cost=base.cost + 1, size=o.size, element=o.element, total=o.total, text=f"object.{name}")
        return Value(cost=base.cost + 1, size=base.element or Linear(MAX_REQUEST))

    def n_member_index(self, tree, scope):
        base = self.node(tree.children[0], scope)
        index = self.node(tree.children[1], scope)
        size = base.element if base.element is not None else Linear(MAX_REQUEST)
        return Value(cost=base.cost + index.cost + 1, size=size)

    def n_ident_arg(self, tree, scope):
        name = str(tree.children[0])
        args = [self.node(c, scope) for c in (tree.children[1].children if len(tree.children) > 1 else [])]
        cost = sum((a.cost for a in args), Linear(1))
        if name in ("size", "has", "type", "dyn", "bool"):
            return Value(cost=cost, size=Linear(1))
        if name in ("int", "string", "uint", "double", "bytes"):
            size = self.size_of(args[0], scope).scale(4) if name == "bytes" else Linear(11)
            return Value(cost=cost + self.size_of(args[0], scope).ceil_factor(STRING_TRAVERSAL), size=size)
        raise ValueError(f"no cost rule for {name}()")

    def n_member_dot_arg(self, tree, scope):
        target, name = tree.children[0], str(tree.children[1])
        arglist = tree.children[2].children if len(tree.children) > 2 else []
        if name in ("all", "exists", "exists_one", "filter", "map"):
            return self.comprehension(target, name, arglist, scope)
        base = self.node(target, scope)
        args = [self.node(a, scope) for a in arglist]
        cost = sum((a.cost for a in args), base.cost + 1)
        size = self.size_of(base, scope)
        if name == "matches":
            pattern = args[0].literal
            if pattern is None:
                raise ValueError("matches() with a computed pattern")
            cost = cost + size.ceil_factor(STRING_TRAVERSAL).scale(math.ceil(len(pattern) * REGEX_LENGTH))
            return Value(cost=cost, size=Linear(1))
        if name in ("startsWith", "endsWith"):
            # Reads the prefix (or suffix) only.
            return Value(cost=cost + self.size_of(args[0], scope).ceil_factor(STRING_TRAVERSAL), size=Linear(1))
        if name == "contains":
            arg = self.size_of(args[0], scope)
            return Value(cost=cost + size.ceil_factor(STRING_TRAVERSAL).times(arg.ceil_factor(STRING_TRAVERSAL), scope.bounds), size=Linear(1))
        if name == "substring" and len(arglist) == 2:
            start, end = (self.core(a) for a in arglist)
            if all(not isinstance(t, lark.Token) and t.data == "literal" for t in (start, end)):
                grown = Linear(int(str(end.children[0])) - int(str(start.children[0])))
                return Value(cost=cost + size.ceil_factor(STRING_TRAVERSAL), size=grown)
        if name in ("lowerAscii", "substring", "replace"):
            grown = size if name != "replace" else size.scale(max(1, len(arglist) and (args[1].literal is not None and len(args[1].literal) or 1)))
            return Value(cost=cost + grown.ceil_factor(STRING_TRAVERSAL), size=grown)
        if name == "split":
            # A list of at most size+1 items whose sizes add up to at most size.
            return Value(cost=cost + size.ceil_factor(STRING_TRAVERSAL) + LIST_CREATE, size=size + 1, element=size, total=size)
        if name == "join":
            return Value(cost=cost + base.total.ceil_factor(STRING_TRAVERSAL) if base.total else cost, size=(base.total or Linear(MAX_REQUEST)) + size.times(self.size_of(args[0], scope), scope.bounds) if arglist else base.total)
        if name == "indexOf":
            return Value(cost=cost + size.times(self.size_of(args[0], scope).ceil_factor(STRING_TRAVERSAL), scope.bounds), size=Linear(1))
        raise ValueError(f"no cost rule for .{name}()")

    def comprehension(self, target, name, arglist, scope):
        base = self.node(target, scope)
        count = self.size_of(base, scope)
        inner = scope.child()
        variable = str(self.core(arglist[0]).children[0])
        if base.items is not None and len(base.items) == 1:
            # `[x].map(n, body)[0]`: binds n to x for one step.
            bound = base.items[0]
            inner.names[variable] = Value(cost=Linear(1), size=bound.size, element=bound.element, total=bound.total, text=variable)
            step = self.node(arglist[1], inner)
            return Value(cost=base.cost + step.cost + 2 + LIST_CREATE, size=Linear(1), element=step.size,
                         total=step.size, items=[step])
        # The element: a fresh symbol bounded by the largest element; over all iterations the
        # symbol adds up to at most the collection's total size.
        largest = (base.element or Linear(MAX_REQUEST)).bound(scope.bounds)
        if base.text in scope.elements:
            largest = min(largest, scope.elements[base.text])
        element = self.fresh(inner, largest)
        symbol = next(iter(element.coef))
        inner.names[variable] = Value(cost=Linear(1), size=element, element=element, total=element, text=variable)
        if base.is_parameters:
            # A key and its value together are one element of the 256 KiB.
            key = self.text(CELParser().parse(f"variables.p[{variable}]"))
            inner.refined[key] = element
        step = self.node(arglist[1], inner)
        iterations = count.bound(scope.bounds)
        total = min((base.total or Linear(largest * iterations)).bound(scope.bounds), largest * iterations)
        per_step = step.cost + 2  # the step, the loop condition and the accumulator update
        fixed = Linear(per_step.const, {k: v for k, v in per_step.coef.items() if k != symbol})
        cost = base.cost + fixed.scale(iterations) + per_step.coef.get(symbol, 0) * total
        if name in ("filter", "map"):
            cost = cost + LIST_CREATE
            if name == "filter":
                return Value(cost=cost, size=count, element=Linear(largest), total=Linear(total))
            # A map's results add up like its steps' sizes: the element's share at most the
            # collection's total, the rest once per iteration.
            out = step.size
            out_total = Linear(out.const, {k: v for k, v in out.coef.items() if k != symbol}).scale(iterations)
            out_total = out_total + out.coef.get(symbol, 0) * total
            return Value(cost=cost, size=count, element=Linear(out.bound(inner.bounds)), total=out_total)
        return Value(cost=cost, size=Linear(1))


def variable_values(variables: list[dict]) -> dict[str, tuple[Value, float, set]]:
    """Each variable's size, cost and the variables it reads. A variable is evaluated at most
    once per admission and charged to the expression that reads it first."""
    values: dict[str, tuple[Value, float, set]] = {}
    for variable in variables:
        estimator = Estimator({k: v[0] for k, v in values.items()})
        value = estimator.estimate(variable["expression"])
        reads = set(re.findall(r"variables\.(\w+)", variable["expression"]))
        values[variable["name"]] = (value, value.cost.bound({}), reads)
    return values


def bound_expression(expression: str, variables: dict[str, tuple[Value, float, set]]) -> float:
    """The expression's cost bound plus that of every variable it reads, directly or not."""
    estimator = Estimator({k: v[0] for k, v in variables.items()})
    value = estimator.estimate(expression)
    scope = estimator.root_scope()
    read: set = set()
    pending = set(re.findall(r"variables\.(\w+)", expression))
    while pending:
        name = pending.pop()
        if name not in read:
            read.add(name)
            pending |= variables[name][2]
    return value.cost.bound(scope.bounds) + sum(variables[name][1] for name in read)
