#!/usr/bin/env python3
"""Throughput and memory benchmark of awsplain against ripgrep, grep and wc on the same files.

    scripts/bench.py                 # 512 MiB log at 1% errors + 256 MiB at 100%, 5 rounds
    scripts/bench.py --rounds 9 --mb 1024
    scripts/bench.py --baseline /path/to/old/awsplain   # before/after in one alternating run

What it does, so that anyone can repeat the figures in the README:
  1. builds awsplain in release mode (`cargo build --release --locked`);
  2. installs ripgrep from Debian's packages when `rg` is missing;
  3. writes the workloads when missing (with ../shared/bench/gen_log.py when it is there, else
     with scripts/gen_bench_log.py, which writes the same mix of lines);
  4. runs every command once to warm the page cache, then R rounds in which the commands take
     turns (so that a slow moment of the machine hits all of them alike), and prints median wall
     times, ratios to rg, throughput and the peak resident memory of the measured process.
     rg is also timed reading the file through a pipe from cat, for what the pipe alone costs.
     With --baseline, another awsplain binary (an older build) takes its turns in the same rounds,
     and a last table gives the ratios new/old: a change is judged against its baseline measured
     on the same machine at the same moments, never against figures from another day.

Timings are for reading by people; no test asserts them.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RG_ARGS = ["-c", "-e", "Exception", "-e", "not authorized", "-e", "error occurred", "-e", "api error"]
GREP_PATTERN = "Exception|not authorized|error occurred|api error"


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def target_dir():
    return os.environ.get("CARGO_TARGET_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "awsplain-target")


def build():
    env = dict(os.environ, CARGO_TARGET_DIR=target_dir())
    log("cargo build --release --locked (about 15 minutes the first time on 2 cores)")
    subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, env=env, check=True)
    return os.path.join(target_dir(), "release", "awsplain")


def ensure_rg():
    if shutil.which("rg"):
        return shutil.which("rg")
    log("ripgrep is missing; installing the Debian package")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "ripgrep"], check=True)
    return shutil.which("rg") or sys.exit("bench: rg still not found after installing ripgrep")


def ensure_log(path, mb, pct):
    if os.path.exists(path) and os.path.getsize(path) >= mb * 1024 * 1024:
        return
    shared = os.path.join(ROOT, "..", "shared", "bench", "gen_log.py")
    gen = shared if os.path.exists(shared) else os.path.join(ROOT, "scripts", "gen_bench_log.py")
    log(f"writing {path} ({mb} MiB, {pct}% error lines) with {os.path.relpath(gen, ROOT)}")
    with open(path + ".part", "wb") as out:
        subprocess.run([sys.executable, gen, str(mb), str(pct)], stdout=out, check=True)
    os.replace(path + ".part", path)


def run_once(argv, stdin_file=None, pipe_from=None, to_file=False):
    """Wall seconds and peak RSS (KiB) of `argv`; output goes to /dev/null, or with `to_file`
    to a scratch file (GNU grep notices /dev/null and stops at the first match).

    With `pipe_from`, the input comes through a pipe from `cat FILE`, and the RSS is that of
    `argv` alone (wait4 on its own pid)."""
    sink = os.path.join(os.environ.get("TMPDIR", "/tmp"), "awsplain-bench.out") if to_file else os.devnull
    with open(sink, "wb") as null:
        start = time.perf_counter()
        feeder = None
        if pipe_from:
            feeder = subprocess.Popen(["cat", pipe_from], stdout=subprocess.PIPE)
            p = subprocess.Popen(argv, stdin=feeder.stdout, stdout=null)
            feeder.stdout.close()
        elif stdin_file:
            with open(stdin_file, "rb") as f:
                p = subprocess.Popen(argv, stdin=f, stdout=null)
        else:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=null)
        _, status, usage = os.wait4(p.pid, 0)
        if feeder:
            feeder.wait()
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
    # grep-style tools exit 1 when nothing matched; anything above that is a failure.
    if p.returncode not in (0, 1):
        sys.exit(f"bench: {' '.join(argv)} exited {p.returncode}")
    return wall, usage.ru_maxrss


def measure(cases, rounds):
    results = {name: [] for name, _ in cases}
    rss = {name: 0 for name, _ in cases}
    for name, (argv, kw) in cases:
        run_once(argv, **kw)  # warm-up: page cache, binary in memory
    for r in range(rounds):
        # Rotate the order each round so no command always runs right after the same one.
        order = cases[r % len(cases):] + cases[: r % len(cases)]
        for name, (argv, kw) in order:
            wall, maxrss = run_once(argv, **kw)
            results[name].append(wall)
            rss[name] = max(rss[name], maxrss)
    return {name: (statistics.median(v), rss[name]) for name, v in results.items()}


def table(title, size, res, ref):
    mib = size / (1024 * 1024)
    print(f"\n{title} ({mib:.0f} MiB)")
    print(f"{'command':<44} {'median s':>9} {'x rg':>6} {'MB/s':>8} {'max RSS MiB':>12}")
    for name, (wall, maxrss) in res.items():
        ratio = wall / res[ref][0] if ref in res else float("nan")
        print(f"{name:<44} {wall:>9.3f} {ratio:>6.2f} {size / 1e6 / wall:>8.0f} {maxrss / 1024:>12.1f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds per workload (default 5)")
    ap.add_argument("--mb", type=int, default=512, help="size of the 1%% workload in MiB (default 512)")
    ap.add_argument("--mb-all", type=int, default=256, help="size of the 100%% workload in MiB (default 256)")
    ap.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp"), help="where the workloads live (default /tmp)")
    ap.add_argument("--no-build", action="store_true", help="use the release binary as it is")
    ap.add_argument("--baseline", metavar="BIN", help="an older awsplain binary measured in the same rounds")
    args = ap.parse_args()

    awsplain = os.path.join(target_dir(), "release", "awsplain") if args.no_build else build()
    rg = ensure_rg()
    grep = shutil.which("grep")
    wc = shutil.which("wc")
    mixed = os.path.join(args.dir, f"awsplain-bench-{args.mb}-1.log")
    allerr = os.path.join(args.dir, f"awsplain-bench-{args.mb_all}-100.log")
    ensure_log(mixed, args.mb, 1)
    ensure_log(allerr, args.mb_all, 100)

    print(f"machine: {os.cpu_count()} cores; {subprocess.run(['uname', '-srm'], capture_output=True, text=True).stdout.strip()}")
    print(f"rg: {subprocess.run([rg, '--version'], capture_output=True, text=True).stdout.splitlines()[0]}")
    ab = []
    for path, title in [(mixed, "1% error lines"), (allerr, "100% error lines")]:
        cases = [
            ("awsplain --format json FILE", ([awsplain, "--format", "json", path], {})),
            ("cat FILE | awsplain --format json", ([awsplain, "--format", "json"], {"pipe_from": path})),
        ]
        if args.baseline:
            cases += [
                ("baseline --format json FILE", ([args.baseline, "--format", "json", path], {})),
                ("cat FILE | baseline --format json", ([args.baseline, "--format", "json"], {"pipe_from": path})),
            ]
        cases += [
            ("rg -c -e ... FILE", ([rg] + RG_ARGS + [path], {})),
            # What a pipe costs any reader on this machine: rg through the same pipe.
            ("cat FILE | rg -c -e ...", ([rg] + RG_ARGS, {"pipe_from": path})),
            ("grep -E -c ... FILE", ([grep, "-E", "-c", GREP_PATTERN, path], {"to_file": True})),
            ("wc -l FILE", ([wc, "-l", path], {})),
        ]
        res = measure(cases, args.rounds)
        table(title, os.path.getsize(path), res, "rg -c -e ... FILE")
        if args.baseline:
            for new, old in [("awsplain --format json FILE", "baseline --format json FILE"),
                             ("cat FILE | awsplain --format json", "cat FILE | baseline --format json")]:
                ab.append((f"{title}: {new}", res[new][0] / res[old][0], res[new][1] / max(res[old][1], 1)))
        records = subprocess.run([awsplain, "--count", path], capture_output=True, text=True).stdout.strip()
        matching = subprocess.run([rg] + RG_ARGS + [path], capture_output=True, text=True).stdout.strip()
        print(f"records found by awsplain: {records}; lines rg counted: {matching}")
    if ab:
        print(f"\nnew / baseline ({args.baseline})")
        print(f"{'workload':<60} {'time':>6} {'RSS':>6}")
        for name, t, m in ab:
            print(f"{name:<60} {t:>6.3f} {m:>6.3f}")


if __name__ == "__main__":
    main()
