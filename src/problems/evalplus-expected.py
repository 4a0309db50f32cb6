# Computes EvalPlus expected outputs: runs the canonical solution on every base and plus input,
# as EvalPlus's get_groundtruth/trusted_exec do, and prints each input and output as Python source.
# Runs after evalplus-check.py (it uses _rlef_digest). Reads one EvalPlus JSONL record on stdin;
# the JSON is parsed here, in Python, because inputs hold integers past 2**53 that JavaScript
# numbers cannot carry. Prints one JSON object {"base": [case...], "plus": [case...]}; a case is
# {"args": source of the argument list, "display": the call as text, "expected": source of the
# value or null, "digest" and "quick": _rlef_digest and _rlef_quick_digest of a value too large
# to embed (else null), "ms": canonical time}.
import base64
import contextlib
import copy
import io
import json
import math
import pickle
import resource
import sys
import time

MBPP_OUTPUT_NOT_NONE_TASKS = {"check_str", "text_match_three", "text_starta_endb"}
# Expected values whose source is longer than this are compared by digest (HumanEval/15 and /130
# have outputs of over 100 MB in all); values that need a tolerance or an oracle are always kept.
EMBED_LIMIT = 64 * 1024
DISPLAY_LIMIT = 1000


class NotLiteral(Exception):
    pass


def mbpp_deserialize_inputs(number, inputs):
    # Port of evalplus.data.mbpp.mbpp_deserialize_inputs: the JSON file cannot hold tuples, sets
    # or complex numbers, so EvalPlus rebuilds them per task before calling any solution.
    if number in (2, 116, 132, 143, 222, 261, 273, 394, 399, 421, 424, 429, 470, 560, 579, 596,
                  616, 630, 726, 740, 744, 809):
        return [[tuple(lst) for lst in inp] for inp in inputs]
    if number in (63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780):
        return [[[tuple(lst) for lst in lst_lst] for lst_lst in inp] for inp in inputs]
    if number in (75, 413, 444, 753):
        return [[[tuple(lst) for lst in inp[0]]] + [inp[1]] for inp in inputs]
    if number in (106, 750):
        return [[inp[0]] + [tuple(inp[1])] for inp in inputs]
    if number == 115:
        return [[[set(item) if isinstance(item, list) and len(item) else {} for item in inp[0]]]
                for inp in inputs]
    if number == 124:
        return [(float(inp[0]), complex(inp[1])) for inp in inputs]
    if number in (250, 405, 446, 617, 720, 763, 808):
        return [[tuple(inp[0])] + [inp[1]] for inp in inputs]
    if number in (259, 401, 445):
        modified = [[[tuple(lst) for lst in lst_lst] for lst_lst in inp] for inp in inputs]
        return [[tuple(lst) for lst in inp] for inp in modified]
    if number == 278:
        modified = [[[tuple(item) if isinstance(item, list) else item for item in inp[0]]]
                    for inp in inputs]
        return [[tuple(lst) for lst in inp] for inp in modified]
    if number == 307:
        return [[tuple(inp[0])] + [inp[1], inp[2]] for inp in inputs]
    if number == 722:
        return [[{key: tuple(value) for key, value in inp[0].items()}] + inp[1:] for inp in inputs]
    if number == 252:
        return [[complex(inp[0])] for inp in inputs]
    if number in (580, 615, 791):
        def to_tuple(value):
            return tuple(to_tuple(item) for item in value) if isinstance(value, list) else value
        return [to_tuple(inp) for inp in inputs]
    return inputs


def literal(value):
    """Python source that evaluates, with builtins only, to a value equal to `value`."""
    kind = type(value)
    if kind is int:
        try:
            return repr(value)
        except ValueError:  # past sys.get_int_max_str_digits(); base 16 has no such limit
            return "int(%r, 16)" % hex(value)
    if value is None or kind in (bool, str, bytes):
        return repr(value)
    if kind is float:
        if math.isnan(value):
            return "float('nan')"
        if math.isinf(value):
            return "float('inf')" if value > 0 else "-float('inf')"
        return repr(value)
    if kind is complex:
        return "complex(%s, %s)" % (literal(value.real), literal(value.imag))
    if kind is list:
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if kind is tuple:
        items = [literal(item) for item in value]
        return "(" + items[0] + ",)" if len(items) == 1 else "(" + ", ".join(items) + ")"
    if kind is set:
        return "{" + ", ".join(literal(item) for item in value) + "}" if value else "set()"
    if kind is frozenset:
        return "frozenset(" + (literal(set(value)) if value else "") + ")"
    if kind is dict:
        return "{" + ", ".join(literal(k) + ": " + literal(v) for k, v in value.items()) + "}"
    raise NotLiteral(kind.__name__)


def same(a, b):
    """Equality that also checks types all the way down and counts NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if type(a) is float:
        return a == b or (math.isnan(a) and math.isnan(b))
    if type(a) is complex:
        return same(a.real, b.real) and same(a.imag, b.imag)
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if type(a) is dict:
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def source_of(value):
    """Literal source when it round-trips exactly, else a pickle the test helper loads."""
    try:
        text = literal(value)
        if same(eval(text, {"__builtins__": __builtins__}), value):
            return text
    except (NotLiteral, RecursionError, SyntaxError, ValueError, MemoryError):
        pass
    data = pickle.dumps(value, protocol=4)
    if not same(pickle.loads(data), value) and pickle.loads(data) != value:
        raise NotLiteral("%s does not survive pickling" % type(value).__name__)
    return "_rlef_unpickle(%r)" % base64.b64encode(data).decode("ascii")


def size_hint(value):
    """About the length of the value's source, without writing it out when it is plainly huge."""
    if isinstance(value, (str, bytes, list, tuple, set, frozenset, dict)) and len(value) * 3 > EMBED_LIMIT:
        return len(value) * 3
    try:
        return len(repr(value))
    except (ValueError, RecursionError):
        return 0


def display_of(entry_point, args):
    parts = []
    for arg in args:
        try:
            parts.append(literal(arg))
        except NotLiteral:
            parts.append(_rlef_show(arg, DISPLAY_LIMIT))
    text = "%s(%s)" % (entry_point, ", ".join(parts))
    return text if len(text) <= DISPLAY_LIMIT else text[:DISPLAY_LIMIT] + "..."


def needs_tolerance(value, atol, is_mbpp, entry_point):
    special = is_mbpp and entry_point in (
        MBPP_OUTPUT_NOT_NONE_TASKS | {"are_equivalent", "sum_div", "surface_Area", "digit_distance_nums",
                                      "similar_elements", "find_char_long", "common_in_nested_lists",
                                      "extract_singly", "larg_nnum", "intersection_array",
                                      "find_dissimilar", "Diff"})
    return special or entry_point == "find_zero" or atol != 0 or _rlef_is_floats(value)


def main():
    record = json.loads(sys.stdin.read())
    task_id = record["task_id"]
    entry_point = record["entry_point"]
    is_mbpp = task_id.startswith("Mbpp/")
    # Mbpp/793 has plus_input {} in v0.1.0: EvalPlus iterates it as zero inputs.
    base, plus = [record[key] if record[key] != {} else [] for key in ("base_input", "plus_input")]
    if is_mbpp:
        number = int(task_id.split("/")[-1])
        base, plus = mbpp_deserialize_inputs(number, base), mbpp_deserialize_inputs(number, plus)
    if not isinstance(base, list) or not isinstance(plus, list):
        raise SystemExit("base_input and plus_input must be lists of argument lists")
    namespace = {"__name__": "__rlef_canonical__"}
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        exec(record["prompt"] + record["canonical_solution"], namespace)
        function = namespace[entry_point]
        result = {}
        for role, inputs in (("base", base), ("plus", plus)):
            cases = []
            for args in inputs:
                args_source = source_of(list(args))
                started = time.perf_counter()
                output = function(*copy.deepcopy(args))
                elapsed_ms = (time.perf_counter() - started) * 1000
                if is_mbpp and entry_point in MBPP_OUTPUT_NOT_NONE_TASKS:
                    output = output is not None
                expected, digest, quick = None, None, None
                size = size_hint(output)
                if size > EMBED_LIMIT and not needs_tolerance(output, record["atol"], is_mbpp, entry_point):
                    digest = _rlef_digest(output)
                    # The test computes the quick digest of each output: count it as the call's time.
                    started = time.perf_counter()
                    quick = _rlef_quick_digest(output)
                    elapsed_ms += (time.perf_counter() - started) * 1000
                else:
                    expected = source_of(output)
                cases.append({"args": args_source, "display": display_of(entry_point, args),
                              "expected": expected, "digest": digest, "quick": quick, "ms": elapsed_ms})
                sink.seek(0)
                sink.truncate()
            result[role] = cases
    # Peak memory of this run, so that the problem's memory limit can leave room for outputs this big.
    result["peakBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    sys.stdout.write(json.dumps(result))


main()
