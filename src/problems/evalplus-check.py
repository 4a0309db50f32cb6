# EvalPlus output checking, prepended to every EvalPlus call test (and to the expected-output script,
# which shares _rlef_digest). A port of evalplus.eval.check_output (v0.3.1): exact ==, the special
# oracles, then np.allclose(rtol=1e-7, atol) done in pure Python so that numpy is not required.
# Every name starts with _rlef_ because this code runs in the solution's own module namespace.
import sys as _rlef_sys
import math as _rlef_math

_RLEF_NOT_NONE = {"check_str", "text_match_three", "text_starta_endb"}
_RLEF_SET_EQ = {"similar_elements", "find_char_long", "common_in_nested_lists", "extract_singly",
                "larg_nnum", "intersection_array", "find_dissimilar", "Diff"}
_RLEF_STR = {str}
_RLEF_SEQ = {list, tuple}
_RLEF_NUMBER = {bool, int, float}


def _rlef_chain(values):
    import itertools
    return itertools.chain.from_iterable(values)


def _rlef_pack(values):
    """Numbers of a list as doubles, at C speed, when each is exactly a double (|n| <= 2**53)."""
    if not values:
        return None
    try:
        if not (-(2**53) <= min(values) and max(values) <= 2**53):
            return None
        from array import array
        return array("d", values).tobytes()
    except (TypeError, ValueError, OverflowError):
        return None


def _rlef_unpickle(text):
    import base64
    import pickle
    return pickle.loads(base64.b64decode(text))


def _rlef_feed_fast(h, v):
    """Feeds a long sequence at C speed when it is all numbers, all strings, or all tuples (or all
    lists) of strings (Mbpp/255 returns 1.6 million tuples of 77 strings); False otherwise.
    Values that == counts equal take the same path, so their digests still agree."""
    from array import array
    types = set(map(type, v))
    if not types:
        return False
    if types <= _RLEF_NUMBER:
        packed = _rlef_pack(v)
        if packed is not None:
            h.update(b"d" + packed)
            return True
        return False
    if types <= _RLEF_STR:
        h.update(b"S" + array("q", map(len, v)).tobytes())
        h.update("\0".join(v).encode("utf-8", "surrogatepass"))
        return True
    if len(types) == 1 and types <= _RLEF_SEQ and set(map(type, _rlef_chain(v))) <= _RLEF_STR:
        h.update(b"T" + repr(types.pop()).encode())
        for start in range(0, len(v), 4096):
            block = v[start:start + 4096]
            flat = list(_rlef_chain(block))
            h.update(array("q", map(len, block)).tobytes() + array("q", map(len, flat)).tobytes())
            h.update("\0".join(flat).encode("utf-8", "surrogatepass"))
        return True
    return False


def _rlef_quick_digest(value):
    """SHA-256 of marshal format 0 (no object references, no interning marks), at C speed: equal for
    outputs built the same way, so a correct output usually matches without `_rlef_digest`'s walk.
    None for values marshal cannot write."""
    import hashlib
    import marshal
    try:
        return hashlib.sha256(marshal.dumps(value, 0)).hexdigest()
    except (ValueError, TypeError, RecursionError):
        return None


def _rlef_digest(value):
    """SHA-256 of a value, equal for values that == treats as equal in the common cases
    (1 == 1.0 == True, set and dict order ignored); used instead of huge expected outputs."""
    import hashlib

    def feed(h, v):
        kind = type(v)
        if kind is bool or kind is int or (kind is float and v.is_integer()):
            h.update(b"i%x;" % int(v))
        elif kind is str:
            h.update(b"s%d:" % len(v))
            h.update(v.encode("utf-8", "surrogatepass"))
        elif kind is list or kind is tuple:
            h.update(b"[" if kind is list else b"(")
            if not _rlef_feed_fast(h, v):
                for item in v:
                    feed(h, item)
            h.update(b"]")
        elif kind is set or kind is frozenset or kind is dict:
            parts = []
            for item in (v.items() if kind is dict else v):
                sub = hashlib.sha256()
                feed(sub, item)
                parts.append(sub.digest())
            h.update(b"{" + kind.__name__.encode() + b":" + b"".join(sorted(parts)) + b"}")
        elif v is None:
            h.update(b"N")
        else:
            h.update(b"r" + kind.__name__.encode() + b":" + repr(v).encode("utf-8", "surrogatepass"))

    h = hashlib.sha256()
    feed(h, value)
    return h.hexdigest()


def _rlef_show(value, limit=1000):
    try:
        _rlef_sys.set_int_max_str_digits(0)
    except AttributeError:
        pass
    try:
        text = repr(value)
    except BaseException as error:
        text = "<unprintable %s: %s>" % (type(value).__name__, error)
    return text if len(text) <= limit else text[:limit] + "..."


def _rlef_is_floats(x):
    if isinstance(x, float):
        return True
    if isinstance(x, (list, tuple)) and x:
        return all(isinstance(i, float) for i in x)
    return False


def _rlef_close(out, exp, atol, rtol=1e-07):
    if isinstance(exp, (list, tuple)):
        if not isinstance(out, (list, tuple)) or len(out) != len(exp):
            return False
        return all(_rlef_close(o, e, atol, rtol) for o, e in zip(out, exp))
    if isinstance(out, (list, tuple)):
        return False
    try:
        return bool(out == exp or abs(out - exp) <= atol + rtol * abs(exp))
    except (TypeError, ValueError, OverflowError):
        return False


def _rlef_poly(xs, x):
    return sum(coeff * _rlef_math.pow(x, i) for i, coeff in enumerate(xs))


def _rlef_surface_area(base_edge, height):
    slant_height = _rlef_math.sqrt((base_edge / 2) ** 2 + height**2)
    return round(base_edge**2 + 4 * (base_edge * slant_height) / 2)


def _rlef_digit_distance_nums(num1, num2):
    a, b = str(num1), str(num2)
    n = max(len(a), len(b))
    return sum(abs(int(x) - int(y)) for x, y in zip(a.zfill(n), b.zfill(n)))


def _rlef_matches(make_args, out, exp, digests, atol, dataset, entry):
    if digests is None:
        exact = out == exp
    else:
        digest, quick = digests
        exact = (quick is not None and _rlef_quick_digest(out) == quick) or _rlef_digest(out) == digest
    if dataset == "mbpp":
        if entry == "are_equivalent":
            exact = True
        elif entry == "sum_div":
            exact = exact or out == 0
        elif entry == "surface_Area":
            exact = exact or abs(out - _rlef_surface_area(*make_args())) <= atol
        elif entry == "digit_distance_nums":
            exact = exact or out == _rlef_digit_distance_nums(*make_args())
        elif entry in _RLEF_SET_EQ:
            exact = set(out) == set(exp)
        elif entry in _RLEF_NOT_NONE:
            exact = out == exp if isinstance(out, bool) else exp == (out is not None)
    if dataset == "humaneval" and entry == "find_zero":
        return abs(_rlef_poly(*make_args(), out)) <= atol
    if atol == 0 and _rlef_is_floats(exp):
        atol = 1e-6
    if not exact and atol != 0:
        if type(out) is not type(exp):
            return False
        return _rlef_close(out, exp, atol)
    return bool(exact)


def _rlef_check(fn, dataset, entry, atol, cases):
    """Calls fn on each case; on the first wrong output reports it and exits with status 1.
    A case is (arguments thunk, expected value, None) or, for a value too large to embed,
    (arguments thunk, None, (its _rlef_digest, its _rlef_quick_digest))."""
    for make_args, exp, digests in cases:
        out = fn(*make_args())
        try:
            ok = _rlef_matches(make_args, out, exp, digests, atol, dataset, entry)
        except Exception:
            ok = False
        if not ok:
            import json
            import os
            shown = _rlef_show(exp) if digests is None else "(a value too large to show; SHA-256 %s)" % digests[0]
            _rlef_sys.stdout.flush()
            _rlef_sys.stderr.write("__RLEF_MISMATCH__ " + json.dumps({"expected": shown, "actual": _rlef_show(out)}) + "\n")
            _rlef_sys.stderr.flush()
            os._exit(1)
