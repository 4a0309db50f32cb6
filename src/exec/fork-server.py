"""rlef fork server: one long-lived Python per pool worker that forks a sandboxed child per run.

Why a fork server: starting an interpreter costs tens of milliseconds; forking a warm one that
already imported the common stdlib costs about one. The server speaks length-prefixed JSON frames
on stdin/stdout (4-byte big-endian length, then UTF-8 JSON) with exactly one run in flight.

The server lives in its own (empty) network namespace and a private mount namespace whose
world-writable directories are fresh tmpfs mounts (see enter_namespaces). Each child: its own
session and process group; a fresh work dir on that tmpfs, removed afterwards; rlimits; an empty
environment; when the server runs as root, a uid of the server's own (so RLIMIT_NPROC holds and
`kill(-1)` as that uid sweeps escaped daemons); it dies with the server (parent-death signal).
"""
import ctypes
import errno
import gc
import json
import os
import resource
import select
import signal
import _signal
import struct
import sys
import time

# Pre-imported so that children get them for free (fork shares the warm modules). Not threading
# (nor queue, which imports it): its after-fork hook alone doubles the cost of a fork, and few
# solutions use it; those import it themselves.
import bisect, collections, copy, dataclasses, decimal, fractions, functools, hashlib, heapq  # noqa: E401,F401
import io, itertools, linecache, math, operator, random, re, statistics, string, traceback  # noqa: E401,F401
import typing, array, atexit, datetime, enum, types, unicodedata  # noqa: E401,F401

if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 1, 2, 4, 1 << 14, 1 << 18
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
CHILD_ENV = {'PATH': '/usr/bin:/bin', 'LANG': 'C.UTF-8', 'PYTHONHASHSEED': '0', 'HOME': '/tmp',
             'OPENBLAS_NUM_THREADS': '1', 'OMP_NUM_THREADS': '1'}
TMPFS_BYTES = 64 * 1024 * 1024
SIGPIPE, SIGTERM, SIG_DFL = int(signal.SIGPIPE), int(signal.SIGTERM), int(signal.SIG_DFL)
EXIT_SETUP_FAILED = 121  # the child could not finish its sandbox setup: a sandbox error

libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
libc.unshare.argtypes = [ctypes.c_int]
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
# For the child: a call through argtypes converts its arguments anew and copies ≈ 20 more pages of
# the server's heap than one with ready-made C arguments.
prctl_untyped = ctypes.CDLL(None).prctl
PDEATHSIG_KILL = (ctypes.c_int(PR_SET_PDEATHSIG), ctypes.c_ulong(int(signal.SIGKILL)), ctypes.c_ulong(0),
                  ctypes.c_ulong(0), ctypes.c_ulong(0))


def _exit(code=None):
    raise SystemExit(code)


# -S skips site.py, which is what defines exit() and quit(); solutions use them.
import builtins  # noqa: E402
builtins.exit = builtins.quit = _exit


def errno_name():
    code = ctypes.get_errno()
    return errno.errorcode.get(code, str(code))


def enter_namespaces():
    """Put the server itself in a fresh network namespace and a private mount namespace.

    The server talks through pipes only, so it needs no network; its children inherit the empty
    namespace for free instead of paying for one per run (creating and tearing down namespaces
    is the costliest part of a sandboxed fork). In the private mount namespace, fresh tmpfs
    mounts cover every world-writable directory: /tmp (size-capped, holding the per-run work
    dirs, not writable by the sandbox itself) and /var/tmp, /run/lock, /dev/shm, /dev/mqueue
    (not writable at all), so nothing a run writes can reach the host's disk or outlive it.
    Returns (network, mount namespace, notes).
    """
    notes = []
    network = libc.unshare(CLONE_NEWNET) == 0
    if not network:
        notes.append('unshare(CLONE_NEWNET) failed: %s; children can reach the network' % errno_name())
    if libc.unshare(CLONE_NEWNS) != 0:
        notes.append('unshare(CLONE_NEWNS) failed: %s' % errno_name())
        return network, False, notes
    if libc.mount(None, b'/', None, MS_REC | MS_PRIVATE, None) != 0:
        notes.append('making / private failed: %s' % errno_name())
        return network, False, notes
    opts = ('size=%d,nr_inodes=65536,mode=0711' % TMPFS_BYTES).encode()
    if libc.mount(b'tmpfs', b'/tmp', b'tmpfs', MS_NOSUID | MS_NODEV, opts) != 0:
        notes.append('mounting a private /tmp failed: %s' % errno_name())
        return network, False, notes
    for path in (b'/var/tmp', b'/run/lock', b'/dev/shm', b'/dev/mqueue'):
        if os.path.isdir(path) and libc.mount(b'tmpfs', path, b'tmpfs', MS_NOSUID | MS_NODEV | MS_RDONLY,
                                              b'size=4k,mode=0755') != 0:
            notes.append('covering %s failed: %s' % (path.decode(), errno_name()))
    return network, True, notes


def read_exact(n):
    chunks = []
    while n:
        chunk = os.read(0, n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b''.join(chunks)


def send(obj):
    data = json.dumps(obj).encode()
    view = memoryview(struct.pack('>I', len(data)) + data)
    while view:
        view = view[os.write(1, view):]


class Server:
    def __init__(self):
        self.root = os.geteuid() == 0
        self.uid = 1_000_000 + os.getpid() if self.root else None
        self.network, self.mount_ns, notes = enter_namespaces()
        if not self.root:
            notes.append('not running as root: children keep the server uid (they share its RLIMIT_NPROC and can signal it)')
        if not self.mount_ns:
            notes.append('no private mount namespace: work dirs live on the host /tmp and /tmp stays shared')
        self.notes = notes
        self.scratch = None
        self.counter = 0
        self.current = None
        self.pid = os.getpid()
        # Subreaper: orphaned descendants are reparented to us, so we can find and reap them.
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    def hello(self):
        return {'type': 'hello', 'pid': os.getpid(), 'network': self.network,
                'mountNamespace': self.mount_ns, 'unprivilegedUser': self.root,
                'uid': self.uid, 'python': sys.version.split()[0], 'notes': self.notes}

    # --- one run --------------------------------------------------------------------------------
    def run(self, req):
        start = time.monotonic()
        time_limit = max(req['timeLimitMs'], 1) / 1000.0
        max_out, max_err = req['maxStdoutBytes'], req['maxStderrBytes']
        workdir = self.make_workdir()
        stdin_fd = os.memfd_create('stdin', 0)
        data = req['stdin'].encode('utf-8', 'replace')
        view = memoryview(data)
        while view:
            view = view[os.write(stdin_fd, view):]
        os.lseek(stdin_fd, 0, os.SEEK_SET)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        st_r, st_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                self.child(req, workdir, stdin_fd, out_w, err_w, st_w)
            except BaseException as e:  # noqa: BLE001 - report, then leave without running anything
                try:
                    os.write(2, ('%s: %s' % (type(e).__name__, e)).encode())
                finally:
                    os._exit(EXIT_SETUP_FAILED)
            os._exit(EXIT_SETUP_FAILED)
        self.current = pid
        for fd in (stdin_fd, out_w, err_w, st_w):
            os.close(fd)
        try:
            return self.supervise(req, pid, start, time_limit, out_r, err_r, st_r, max_out, max_err)
        finally:
            for fd in (out_r, err_r, st_r):
                os.close(fd)
            self.sweep(pid)
            self.current = None
            self.remove_tree(workdir)

    def supervise(self, req, pid, start, time_limit, out_r, err_r, st_r, max_out, max_err):
        deadline = start + time_limit
        pidfd = os.pidfd_open(pid)
        out, err, status = bytearray(), bytearray(), bytearray()
        out_trunc = err_trunc = timed_out = cancelled = False
        open_fds = {out_r, err_r, st_r}
        poller = select.poll()
        for fd in (out_r, err_r, st_r, pidfd, 0):
            poller.register(fd, select.POLLIN)
        exited = False
        wait_status = None
        try:
            while True:
                now = time.monotonic()
                if exited and not open_fds:
                    break
                if now >= deadline:
                    if not exited:
                        timed_out = True
                    break
                for fd, ev in poller.poll(max(1, int((deadline - now) * 1000) + 1)):
                    if fd == pidfd:
                        poller.unregister(pidfd)
                        # Whatever still holds our pipes is an escaped descendant: end it now
                        # (before reaping, so the group id cannot have been reused).
                        self.kill_all(pid)
                        _, wait_status = os.waitpid(pid, 0)
                        exited = True
                        if not self.root:
                            time.sleep(0.001)
                    elif fd == 0:
                        # The pool worker went away (cancelled or closed): kill and leave.
                        cancelled = True
                    else:
                        chunk = os.read(fd, 65536)
                        if not chunk:
                            poller.unregister(fd)
                            open_fds.discard(fd)
                        elif fd == out_r:
                            room = max_out - len(out)
                            out += chunk[:room]
                            if len(chunk) > room:
                                out_trunc = True
                        elif fd == err_r:
                            room = max_err - len(err)
                            err += chunk[:room]
                            err_trunc = err_trunc or len(chunk) > room
                        elif len(status) < 4096:
                            status += chunk
                if cancelled or out_trunc:
                    break
        finally:
            os.close(pidfd)
        if not exited:
            self.kill_all(pid)
            _, wait_status = os.waitpid(pid, 0)
        wall_ms = (time.monotonic() - start) * 1000
        if cancelled:
            self.sweep(pid)
            sys.exit(0)
        exit_code = os.waitstatus_to_exitcode(wait_status)
        sig = None
        if exit_code < 0:
            sig = signal.Signals(-exit_code).name
            exit_code = None
        flags = status.decode(errors='replace').split()
        cpu_killed = sig == 'SIGXCPU'
        result = {
            'exitCode': exit_code, 'signal': sig,
            'stdout': out.decode(errors='replace'), 'stderr': err.decode(errors='replace'),
            'stdoutTruncated': out_trunc, 'stderrTruncated': err_trunc,
            'wallMs': wall_ms, 'timedOut': timed_out or cpu_killed,
            'memoryExceeded': 'memory' in flags, 'testCompleted': ('done:' + req['token']) in flags,
        }
        if exit_code == EXIT_SETUP_FAILED and 'ready' not in flags:
            result['sandboxError'] = 'child setup failed: ' + err.decode(errors='replace')[-300:]
        return result

    def kill_all(self, pid):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        self.sweep_uid()

    def sweep_uid(self, uid=None):
        """Kill everything the sandbox can have started, including double-forked daemons."""
        if self.root:
            uid = self.uid if uid is None else uid
            # kill(-1) with real and effective uid set to the sandbox uid reaches every process of
            # that uid (double-forked daemons included) and is atomic with respect to fork, so a
            # fork bomb cannot outrun it. The saved uid stays 0 so we can switch back; no fork needed.
            try:
                os.setresuid(uid, uid, 0)
                try:
                    os.kill(-1, signal.SIGKILL)
                except OSError:
                    pass
            finally:
                os.setresuid(0, 0, 0)
        else:
            for child in self.children():
                for kill in (os.killpg, os.kill):
                    try:
                        kill(child, signal.SIGKILL)
                    except OSError:
                        pass

    def children(self):
        me = os.getpid()
        found = []
        try:
            with open('/proc/%d/task/%d/children' % (me, me)) as f:
                found = [int(p) for p in f.read().split()]
        except OSError:
            pass
        return found

    def sweep(self, pid):
        """Kill and reap everything the run started; return only when none of it is left.

        Every process a run starts stays below us (we are a subreaper: orphans are reparented to
        us, never elsewhere), so "no child left to reap" means the whole tree is gone, dying
        grandchildren and escaped daemons included. Note kill(-1, 0) cannot serve as this test:
        it reports success whenever any other process exists, permitted or not.
        """
        deadline = time.monotonic() + 5
        while True:
            self.kill_all(pid)
            try:
                while os.waitpid(-1, os.WNOHANG)[0] != 0:
                    pass
            except ChildProcessError:
                return
            if time.monotonic() > deadline:
                return
            time.sleep(0.0002)

    def make_workdir(self):
        """A fresh, empty work dir for the next run. Runs of one server never overlap, so each
        gets the same path (created here, removed after the run), which lets HOME be set once in
        the server's environment instead of in every child. Should a previous one be left over
        (its removal failed), the run gets a new name and its child sets HOME itself."""
        if self.scratch is None:
            if self.mount_ns:
                self.scratch = '/tmp'  # our private tmpfs
            else:
                import tempfile
                self.scratch = tempfile.mkdtemp(prefix='rlef-exec-%d-' % os.getpid())
            os.chmod(self.scratch, 0o711)
            os.environ['HOME'] = os.path.join(self.scratch, 'work')
        path = os.path.join(self.scratch, 'work')
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            self.counter += 1
            path = os.path.join(self.scratch, 'run-%d' % self.counter)
            os.mkdir(path, 0o700)
        if self.root:
            os.chown(path, self.uid, self.uid)
        return path

    def remove_tree(self, path):
        try:
            os.rmdir(path)  # the common case: the run left its work dir empty
        except OSError:
            import shutil
            shutil.rmtree(path, ignore_errors=True)

    def shutdown(self, *_):
        """SIGTERM (our pool worker's thread died): end the run in flight, clean up, leave."""
        if self.current is not None:
            self.kill_all(self.current)
        self.close()
        os._exit(0)

    def close(self):
        if self.scratch is not None and not self.mount_ns:
            self.remove_tree(self.scratch)

    # --- inside the forked child ----------------------------------------------------------------
    def child(self, req, workdir, stdin_fd, out_w, err_w, st_w):
        os.setsid()
        os.dup2(stdin_fd, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        if st_w != 3:
            os.dup2(st_w, 3)
        os.closerange(4, 65536)
        st_w = 3
        # SIGINT and SIGXFSZ are already at their defaults (set in main); the server needs these
        # two. _signal directly: signal.signal's enum conversions alone copy dozens of pages.
        _signal.signal(SIGPIPE, SIG_DFL)
        _signal.signal(SIGTERM, SIG_DFL)
        uid = self.uid
        os.chdir(workdir)
        limit_s = max(1, int(req['timeLimitMs'] / 1000 + 0.999))
        mem = req['memoryLimitBytes']
        resource.setrlimit(resource.RLIMIT_CPU, (limit_s + 1, limit_s + 2))
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_FSIZE, (TMPFS_BYTES, TMPFS_BYTES))
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        stack = min(mem // 4, 64 * 1024 * 1024)
        try:
            resource.setrlimit(resource.RLIMIT_STACK, (stack, stack))
        except (ValueError, OSError):
            pass
        if uid is not None:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        if uid is not None:
            # After the uid drop NPROC counts the sandbox uid's processes only. Without a uid of
            # our own it would count every process of the user, so it is left alone there.
            resource.setrlimit(resource.RLIMIT_NPROC, (32, 32))
        # Should the server die hard, the child dies with it (set after the uid change, which clears it).
        prctl_untyped(*PDEATHSIG_KILL)
        if os.getppid() != self.pid:
            os._exit(EXIT_SETUP_FAILED)
        if os.environ['HOME'] != workdir:  # the usual work dir's HOME is in the environment already
            os.environ['HOME'] = workdir
        os.write(st_w, b'ready ')
        run_program(req, st_w)


def run_program(req, st_w):
    """Run the solution (then the call test's code) as `__main__`, like `python3 solution.py`."""
    # sys.stdin/stdout/stderr and sys.argv are already the child's (set once in main).
    random.seed(0)
    code = req['code']
    test_code = req.get('testCode')
    namespace = {'__name__': '__main__', '__builtins__': __builtins__, '__file__': 'solution.py'}
    status = 0
    phase = 'solution'
    try:
        exec(compile(code, 'solution.py', 'exec'), namespace)
        if test_code is not None:
            phase = 'test'
            exec(compile(test_code, 'test.py', 'exec'), namespace)
            os.write(st_w, ('done:%s ' % req['token']).encode())
    except SystemExit as e:
        status = exit_status(e)
        if phase == 'test' and status == 0:
            os.write(st_w, ('done:%s ' % req['token']).encode())
    except BaseException as e:  # noqa: BLE001 - we are the interpreter's top level here
        if isinstance(e, MemoryError):
            os.write(st_w, b'memory ')
        status = 1
        try:
            show_sources(code, test_code)
            tb = e.__traceback__.tb_next if e.__traceback__ is not None else None
            sys.stderr.write(''.join(traceback.TracebackException(type(e), e, tb).format()))
        except BaseException:  # noqa: BLE001
            try:
                os.write(2, b'\n' + type(e).__name__.encode() + b'\n')
            except OSError:
                pass
    # As the interpreter does at shutdown: wait for non-daemon threads (the common
    # `threading.Thread(target=main).start()` idiom of competitive programmers), run atexit
    # callbacks, flush; a stdout that cannot be flushed makes the exit status 120.
    threading = sys.modules.get('threading')  # imported by the solution, if at all
    finishers = (atexit._run_exitfuncs,) if threading is None else (threading._shutdown, atexit._run_exitfuncs)
    for finish in finishers:
        try:
            finish()
        except SystemExit as e:
            status = exit_status(e)
        except BaseException:  # noqa: BLE001 - the interpreter also only reports these
            try:
                show_sources(code, test_code)
                traceback.print_exc()
            except BaseException:  # noqa: BLE001
                pass
    for stream in (sys.stdout, sys.stderr):
        try:
            if not stream.closed:
                stream.flush()
        except BaseException as e:  # noqa: BLE001
            if stream is sys.stdout and status == 0:
                status = 120
                try:
                    os.write(2, ("Exception ignored in: <_io.TextIOWrapper name='<stdout>' mode='w' "
                                 "encoding='utf-8'>\n%s: %s\n" % (type(e).__name__, e)).encode())
                except OSError:
                    pass
    os._exit(status)


def show_sources(code, test_code):
    """Let tracebacks quote the program's lines, as they would from the files. Done only when a
    traceback is printed: splitting the sources into lines copies pages of the server's heap."""
    linecache.cache['solution.py'] = (len(code), None, code.splitlines(True), 'solution.py')
    if test_code is not None:
        linecache.cache['test.py'] = (len(test_code), None, test_code.splitlines(True), 'test.py')


def child_streams():
    """The child's sys.stdin/stdout/stderr, built once in the server over fds 0-2 (which the
    child points at its own pipes before using them): cheaper than building them per child."""
    def stream(fd, mode, **options):
        raw = io.FileIO(fd, mode, closefd=False)
        buffered = io.BufferedReader(raw) if mode == 'r' else io.BufferedWriter(raw)
        return io.TextIOWrapper(buffered, encoding='utf-8', **options)
    return (stream(0, 'r', errors='replace'), stream(1, 'w', errors='replace'),
            stream(2, 'w', errors='backslashreplace', line_buffering=True))


STREAMS = child_streams()


def exit_status(e):
    if e.code is None:
        return 0
    if isinstance(e.code, int):
        return e.code & 0xFF
    try:
        sys.stderr.write(str(e.code) + '\n')
    except BaseException:  # noqa: BLE001
        pass
    return 1


def main():
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    server = Server()
    signal.signal(signal.SIGTERM, server.shutdown)
    # What children inherit, set once here rather than per child (each Python-level call in a
    # child copies pages of the server's heap): the environment, and default SIGINT/SIGXFSZ.
    os.environ.clear()
    os.environ.update(CHILD_ENV)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    # Children share the server's heap copy-on-write; a full collection in a child would touch
    # (and so copy) every page of it. Frozen objects are never traversed.
    gc.collect()
    gc.freeze()
    # A predecessor that died hard (SIGKILL, OOM killer) may have left processes of its uid behind.
    for arg in sys.argv[1:]:
        if arg.startswith('--sweep-uid=') and server.root:
            server.sweep_uid(int(arg.split('=', 1)[1]))
    # The child's standard streams and argv, installed here once: replacing them in each child
    # would free the old stream objects there, which copies ≈ 50 pages. The server itself never
    # uses them (it speaks through os.read/os.write on fds 0 and 1).
    sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__ = STREAMS
    sys.argv = ['solution.py']
    send(server.hello())
    try:
        while True:
            header = read_exact(4)
            if header is None:
                break
            body = read_exact(struct.unpack('>I', header)[0])
            if body is None:
                break
            req = json.loads(body)
            try:
                result = server.run(req)
            except SystemExit:
                raise
            except Exception as e:  # noqa: BLE001 - report infrastructure faults as sandbox errors
                send({'type': 'result', 'id': req['id'], 'result': None, 'error': '%s: %s' % (type(e).__name__, e)})
                continue
            send({'type': 'result', 'id': req['id'], 'result': result})
    except BrokenPipeError:
        pass  # the pool closed our answer pipe (it is shutting down): nobody is left to answer
    finally:
        server.close()


if __name__ == '__main__':
    main()
