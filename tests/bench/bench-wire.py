#!/usr/bin/python3
# bench-wire.py: bytes that `boxel label` writes to its terminal per event,
# measured on a real pty (160x50): first frame, one crosshair step, one box
# nudge, next task, an idle second; beside chafa's bytes for the same image
# cells. Figures only, never pass/fail.
import fcntl, os, pty, select, struct, subprocess, sys, termios, time

BOXEL = os.environ["BOXEL"]
DB = sys.argv[1]
IMAGES = sys.argv[2:4]        # the first two tasks' images (PNG), for chafa
COLS, ROWS = 160, 50


class Pty:
    def __init__(self, env):
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(BOXEL, [BOXEL, "label", "--db", DB, "--user", "alice"], env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.pid, self.fd = pid, fd

    def drain(self, quiet=0.4, limit=20.0):
        """Bytes until the program stays quiet for `quiet` seconds."""
        n, start, last = 0, time.time(), time.time()
        while time.time() - start < limit:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    d = os.read(self.fd, 65536)
                except OSError:
                    break
                if not d:
                    break
                n += len(d)
                last = time.time()
            elif time.time() - last >= quiet:
                break
        return n

    def key(self, s):
        os.write(self.fd, s.encode())
        return self.drain()

    def close(self):
        try:
            os.write(self.fd, b"q")
            self.drain(0.3, 3)
        except OSError:
            pass
        os.waitpid(self.pid, 0)


def run(mode):
    env = dict(os.environ, TERM="xterm-256color", BOXEL_COLORS=mode, LANG="C.UTF-8")
    env.pop("NO_COLOR", None)
    p = Pty(env)
    r = {}
    r["first frame"] = p.drain(quiet=1.0)
    steps = [p.key("l") for _ in range(10)]
    r["crosshair step (avg of 10)"] = sum(steps) / len(steps)
    p.key("b"); p.key(" ")
    for _ in range(4):
        p.key("l"); p.key("j")
    p.key(" ")
    p.key("\t")                          # grab the box
    nudges = [p.key("l") for _ in range(10)]
    r["box nudge (avg of 10)"] = sum(nudges) / len(nudges)
    p.key("u")
    r["idle 1 s (clock pinned)"] = p.drain(quiet=1.0, limit=1.0)
    p.key("n")
    for ch in "bench":
        p.key(ch)
    r["next task"] = p.key("\r")
    p.close()
    return r


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    return struct.unpack(">II", head[16:24])


def pane_cells(path):
    """Cells the image takes when fitted to the 102x48-cell image pane."""
    w, h = png_size(path)
    s = min(102.0 / w, 96.0 / h)
    return max(1, round(w * s)), max(1, (round(h * s) + 1) // 2)


def chafa(mode, path):
    cols, rows = pane_cells(path)
    try:
        out = subprocess.run(["chafa", "-f", "symbols", "--symbols", "vhalf", "-c",
                              "full" if mode == "full" else "256", "--size",
                              "%dx%d" % (cols, rows), "--animate", "off", path],
                             capture_output=True, check=True)
        return len(out.stdout), "%dx%d" % (cols, rows)
    except (OSError, subprocess.CalledProcessError):
        return None, "%dx%d" % (cols, rows)


print("bytes written to the terminal per event, 160x50 cells")
for mode in ("full", "256"):
    r = run(mode)
    print("\n%s colors:" % ("truecolor" if mode == "full" else "256"))
    for k, v in r.items():
        print("  %-34s %9.0f" % (k, v))
    for label, path in zip(("first", "next"), IMAGES):
        c, size = chafa(mode, path)
        print("  %-34s %9s" % ("chafa, %s image (%s cells)" % (label, size),
                              c if c is not None else "n/a"))
print("\ntargets: crosshair step <= 200, box nudge <= 4096, image frame <= chafa's")
