#!/usr/bin/env python3
"""fit_bench - vnuma's per-cell fitter (`vnuma plan`) against OpenStack
Nova's numa_fit_instance_to_host, on the same topologies.

Hosts: 4 to 64 NUMA nodes, 4 nodes a package (distance 12 inside a package,
21 across), 4 cores x 2 SMT threads and 16 GiB a node.  Busy nodes (14 GiB
and the first core taken), two patterns: mod4 = every node with id % 4 == 1;
pkg0 = nodes 1-3 (package 0 keeps one free node: a first fit in node order
starts there and pays 21 to reach the next package).  Guests:
1 to 16 cells of 4 GiB with 2 dedicated vCPUs (thread policy prefer);
with --shapes mixed too, guests whose odd cells have 2 GiB (two cell shapes:
vnuma's node-level search instead of its twin-group one).
bench/fit_bench.c builds the same host for vnuma (in process, linked
against libvnuma_internal); here Nova's objects are built to match.  As
Nova's host topology object is built once, vnuma's host is prepared once
(vn_fit_host_new) and 'vnuma ms' times vn_fit_prepared; 'prep ms' is the
time of vn_fit with the preparation included (what one `vnuma plan` pays).

Nova (Debian's python3-nova: `apt-get install python3-nova`; it runs under
/usr/bin/python3) is called in a forked child per case (the best of up to 5 calls: the first
pays a one-time set-up) with a time limit for the first call ('> LIMIT'
when it does not answer).  Nova tries permutations of the
host cells in order and takes the first that fits; it ignores distances,
so its distance sum is computed here from the cells it chose.

usage: bench/fit_bench.py [--fit-bench build/fit_bench] [--timeout S] [--reps N]
                          [--busy mod4,pkg0] [--shapes same,mixed] [--no-nova]
"""
import argparse, multiprocessing, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)

NODES = [4, 8, 16, 32, 64]
CELLS = [1, 2, 4, 8, 16]


def distance(a, b):
    return 10 if a == b else 12 if a // 4 == b // 4 else 21


def dist_sum(nodes):
    return sum(distance(nodes[i], nodes[j]) for i in range(len(nodes)) for j in range(i + 1, len(nodes)))


def busy(n, pattern):
    return 1 <= n <= 3 if pattern == "pkg0" else n % 4 == 1


def cell_mb(i, shape):
    return 2048 if shape == "mixed" and i % 2 else 4096


def nova_case(nnodes, ncells, pattern, shape, conn):
    from nova import objects
    from nova.virt import hardware
    cells = []
    for n in range(nnodes):
        cpus = set(range(n * 8, n * 8 + 8))
        used_mb = 14336 if busy(n, pattern) else 0
        cells.append(objects.NUMACell(
            id=n, socket=n // 4, cpuset=set(), pcpuset=cpus, memory=16384, cpu_usage=0,
            memory_usage=used_mb, pinned_cpus={n * 8, n * 8 + 1} if busy(n, pattern) else set(),
            siblings=[{n * 8 + 2 * k, n * 8 + 2 * k + 1} for k in range(4)],
            mempages=[objects.NUMAPagesTopology(size_kb=4, total=16384 * 256, used=used_mb * 256)],
            network_metadata=objects.NetworkMetadata(physnets=set(), tunneled=False)))
    host = objects.NUMATopology(cells=cells)
    inst = objects.InstanceNUMATopology(cells=[
        objects.InstanceNUMACell(id=i, cpuset=set(), pcpuset={2 * i, 2 * i + 1}, memory=cell_mb(i, shape),
                                 cpu_policy='dedicated', cpu_thread_policy='prefer')
        for i in range(ncells)])
    # the best of up to 5 calls (the first pays one-time set-up), within 2 s
    best, spent = None, 0.0
    for _ in range(5):
        t0 = time.perf_counter()
        fitted = hardware.numa_fit_instance_to_host(host, inst)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
        spent += dt
        if spent > 2.0:
            break
    conn.send((best, [c.id for c in fitted.cells] if fitted else None))


def run_nova(nnodes, ncells, pattern, shape, timeout):
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    p = ctx.Process(target=nova_case, args=(nnodes, ncells, pattern, shape, child))
    p.start()
    if parent.poll(timeout):
        res = parent.recv()
        p.join()
        return res
    p.kill()
    p.join()
    return None


def run_vnuma(exe, nnodes, ncells, reps, pattern, shape):
    out = subprocess.run([exe, str(nnodes), str(ncells), str(reps), pattern, shape], check=True,
                         capture_output=True, text=True).stdout.split()
    med_us, prep_us = float(out[3]), float(out[6])
    if out[4] == "none":
        return med_us, prep_us, None, None
    return med_us, prep_us, int(out[4]), [int(x) for x in out[5].split(",")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fit-bench", default=os.path.join(TOP, "build", "fit_bench"))
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per Nova call")
    ap.add_argument("--reps", type=int, default=200, help="vnuma repetitions (median)")
    ap.add_argument("--no-nova", action="store_true")
    ap.add_argument("--busy", default="mod4,pkg0", help="busy patterns (mod4, pkg0)")
    ap.add_argument("--shapes", default="same", help="guest cells: same (all 4 GiB), mixed")
    a = ap.parse_args()

    nova_ok = False
    if not a.no_nova:
        try:
            t0 = time.time()
            from nova import objects
            objects.register_all()
            from nova.virt import hardware  # noqa: F401
            nova_ok = True
            print(f"# Nova imported in {time.time() - t0:.1f} s")
        except Exception as e:  # not installed, or does not import
            print(f"# Nova unavailable ({type(e).__name__}: {e}); vnuma's figures alone")
    print("# host: N nodes, 4 a package (12 inside, 21 across), 4 cores x 2 threads, 16 GiB;")
    print("#       busy nodes (14 GiB and a core taken): mod4 = id % 4 == 1, pkg0 = 1-3")
    print("# guest: C cells of 4 GiB, 2 dedicated vCPUs each (thread policy prefer);")
    print("#        shape mixed: the odd cells have 2 GiB")
    print(f"{'busy':>4} {'shape':>5} {'nodes':>5} {'cells':>5} {'nova ms':>10} {'vnuma ms':>9} "
          f"{'ratio':>8} {'nova dist':>9} {'vnuma dist':>10} {'prep ms':>8}")
    cases = ((p, sh, n, c) for sh in a.shapes.split(",") for p in a.busy.split(",")
             for n in NODES for c in CELLS)
    for pattern, shape, n, c in cases:
        if c > n:
            continue
        v_us, p_us, v_dist, _ = run_vnuma(a.fit_bench, n, c, a.reps, pattern, shape)
        vd = "no fit" if v_dist is None else str(v_dist)
        head = f"{pattern:>4} {shape:>5} {n:>5} {c:>5}"
        if not nova_ok:
            print(f"{head} {'-':>10} {v_us / 1e3:>9.4f} {'-':>8} {'-':>9} {vd:>10} {p_us / 1e3:>8.3f}")
            continue
        r = run_nova(n, c, pattern, shape, a.timeout)
        if r is None:
            nt, ratio, nd = f"> {a.timeout * 1e3:.0f}", f"> {a.timeout * 1e6 / v_us:.0f}", "-"
        else:
            nt = f"{r[0] * 1e3:.3f}"
            ratio = f"{r[0] * 1e6 / v_us:.0f}"
            nd = "no fit" if r[1] is None else str(dist_sum(r[1]))
        print(f"{head} {nt:>10} {v_us / 1e3:>9.4f} {ratio:>8} {nd:>9} {vd:>10} {p_us / 1e3:>8.3f}",
              flush=True)

if __name__ == "__main__":
    main()
