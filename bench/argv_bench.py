#!/usr/bin/env python3
"""argv_bench - how fast `vnuma argv` turns domains into QEMU arguments.

Runs, in one go and on the same files (the conformance domains that libvirt
accepts, from ../shared/conformance/cases):
  * `vnuma argv` over all domains in one process (repeated),
  * `xmllint --noout` over the same files in one process (parse alone),
  * where a libvirt daemon answers (see ../shared/oracle), `virsh
    domxml-to-native qemu-argv` one domain at a time.
Prints per-domain times and the ratios from this one run.

usage: bench/argv_bench.py [--vnuma build/vnuma] [--rounds N] [--virsh-domains N]
"""
import argparse, os, shutil, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
CONF = os.path.join(TOP, "..", "shared", "conformance")


def domains():
    cases = os.path.join(CONF, "cases")
    out = []
    for c in sorted(os.listdir(cases)):
        kind = open(os.path.join(cases, c, "kind")).read().strip()
        if kind in ("args", "auto"):
            out.append(os.path.join(cases, c, "domain.xml"))
    return out


def timed(cmd, rounds):
    best = None
    for _ in range(rounds):
        t = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t
        if r.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd[:3])} ...: {r.stderr.decode()[:300]}")
        best = dt if best is None else min(best, dt)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vnuma", default=os.path.join(TOP, "build", "vnuma"))
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--virsh-domains", type=int, default=10)
    a = ap.parse_args()
    doms = domains()
    n = len(doms)
    # Repeat the list so one process does enough work to time.
    reps = 50
    batch = doms * reps
    opts = ["--host", os.path.join(CONF, "host-8node.xml"),
            "--hugetlbfs", "/dev/hugepages2M=2M", "--hugetlbfs", "/dev/hugepages1G=1G"]
    t_vnuma = timed([a.vnuma, "argv"] + opts + batch, a.rounds) / len(batch)
    print(f"domains: {n} (each x{reps} per process), best of {a.rounds} rounds")
    print(f"vnuma argv        {t_vnuma * 1e6:10.1f} us/domain")
    xmllint = shutil.which("xmllint")
    if xmllint:
        t_xml = timed([xmllint, "--noout"] + batch, a.rounds) / len(batch)
        print(f"xmllint --noout   {t_xml * 1e6:10.1f} us/domain   vnuma/xmllint = {t_vnuma / t_xml:.2f}x")
    else:
        print("xmllint           not installed")
    virsh = shutil.which("virsh")
    ok = virsh and subprocess.run([virsh, "-c", "qemu:///system", "version"],
                                  capture_output=True).returncode == 0
    if ok:
        # Time only the domains this libvirt accepts (an oracle without 1 GiB
        # huge pages refuses the 1G cases, and a refusal is quicker).
        total, done, refused = 0.0, 0, 0
        for d in doms:
            if done >= a.virsh_domains:
                break
            t = time.perf_counter()
            r = subprocess.run([virsh, "-c", "qemu:///system", "domxml-to-native",
                                "qemu-argv", d], capture_output=True)
            dt = time.perf_counter() - t
            if r.returncode == 0:
                total += dt
                done += 1
            else:
                refused += 1
        if done:
            t_virsh = total / done
            print(f"virsh domxml-to-native {t_virsh * 1e6:10.1f} us/domain   virsh/vnuma = {t_virsh / t_vnuma:.0f}x"
                  f"   ({done} domains one at a time; {refused} refused by this libvirt, not timed)")
        else:
            print(f"virsh refused all {refused} domains tried: not compared")
    else:
        print("virsh             no libvirt daemon answering (see ../shared/oracle): not compared")


if __name__ == "__main__":
    main()
