# Runs one assert statement of a dataset (MBPP's test_list) in the solution's namespace. When it is
# `assert A == B`, both sides are evaluated and a mismatch is reported precisely on stderr
# (`__RLEF_MISMATCH__ {"expected": repr(B), "actual": repr(A)}`, status 1); any other statement
# runs as written, so an AssertionError still counts as a wrong answer.
def _rlef_assert(source):
    import ast
    import json
    import os
    import sys
    namespace = globals()
    tree = ast.parse(source.strip(), "test.py")
    test = tree.body[0].test if len(tree.body) == 1 and isinstance(tree.body[0], ast.Assert) else None
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
        actual = eval(compile(ast.Expression(test.left), "test.py", "eval"), namespace)
        expected = eval(compile(ast.Expression(test.comparators[0]), "test.py", "eval"), namespace)
        if actual == expected:
            return

        def show(value):
            try:
                text = repr(value)
            except BaseException as error:
                text = "<unprintable %s: %s>" % (type(value).__name__, error)
            return text if len(text) <= 1000 else text[:1000] + "..."

        sys.stdout.flush()
        sys.stderr.write("__RLEF_MISMATCH__ " + json.dumps({"expected": show(expected), "actual": show(actual)}) + "\n")
        sys.stderr.flush()
        os._exit(1)
    exec(compile(tree, "test.py", "exec"), namespace)
