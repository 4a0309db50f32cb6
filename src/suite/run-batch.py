# Runs many small programs on many inputs inside one interpreter (started as python3 -I -S).
# stdin: JSON list of jobs {"programs": [...], "inputs": [...]};
# stdout: JSON list, per job, per program, per input: [status, stdout] where status is
# 0 for a normal exit and 1 for an uncaught exception (its class name is appended to stdout).
import io
import json
import sys

def run(compiled, text):
    out = io.StringIO()
    sys.stdin, sys.stdout = io.StringIO(text), out
    try:
        exec(compiled, {'__name__': '__main__'})
        status = 0
    except BaseException as error:  # a buggy variant may raise anything; it is data here
        status = 1
        out.write(type(error).__name__)
    finally:
        sys.stdin, sys.stdout = sys.__stdin__, sys.__stdout__
    return [status, out.getvalue()]

def main():
    jobs = json.load(sys.stdin)
    results = []
    for job in jobs:
        per_program = []
        for source in job['programs']:
            try:
                compiled = compile(source, '<solution>', 'exec')
            except SyntaxError as error:
                per_program.append([[1, type(error).__name__] for _ in job['inputs']])
                continue
            per_program.append([run(compiled, text) for text in job['inputs']])
        results.append(per_program)
    json.dump(results, sys.__stdout__, separators=(',', ':'))

main()
