#!/usr/bin/env python3
"""tests/qmp/record.py - re-record the QMP exchanges tests/unit/test_qmp.c replays.

Each scenario starts a fresh QEMU (TCG, paused with -S, no guest OS), talks
QMP to it over a unix socket and writes tests/qmp/recorded/<name>.jsonl:

    # comment lines: QEMU version and the exact command line
    > {"execute": ...}      what the client sent
    < {"return": ...}       what QEMU sent, byte for byte minus the \\r\\n

QEMU ends every message with \\r\\n; the recorder checks that and strips it.
Events QEMU sends while a command runs stay where they arrived, so a
recording shows whether an event came before the command's reply.  After
each reply the recorder keeps reading for `settle` seconds to catch events
sent just after it.

tests/unit/test_qmp.c asserts values from these files (thread ids,
timestamps, host addresses) and tests/fuzz/qmp_seeds.py builds fuzz seeds
from them: after re-recording, update the former and re-run the latter.

Usage: tests/qmp/record.py [scenario...]   (default: all of them)
       QEMU=/path/to/qemu-system-x86_64 to use another binary.
"""
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "recorded")
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")

BASE = ["-S", "-machine", "pc", "-accel", "tcg,thread=multi",
        "-m", "256M,slots=4,maxmem=1G", "-smp", "2,maxcpus=4",
        "-nodefaults", "-display", "none",
        "-object", "memory-backend-ram,id=ram-node0,size=128M",
        "-numa", "node,nodeid=0,cpus=0-1,memdev=ram-node0",
        "-object", "memory-backend-ram,id=ram-node1,size=128M",
        "-numa", "node,nodeid=1,cpus=2-3,memdev=ram-node1",
        "-name", "guest=t,debug-threads=on"]

DIMM_BACKEND = {"qom-type": "memory-backend-ram", "id": "memdimm0",
                "size": 268435456, "host-nodes": [0], "policy": "bind"}
DIMM = {"driver": "pc-dimm", "id": "dimm0", "memdev": "memdimm0", "node": 1}


def step(command, arguments=None, settle=0.2):
    return (command, arguments, settle)


# name -> (extra QEMU arguments, steps, description)
SCENARIOS = {
    "greeting": ([], [], "the greeting and qmp_capabilities only"),
    "query-cpus-fast": ([], [step("query-cpus-fast")], "vCPU threads and their topology"),
    "query-iothreads": (["-object", "iothread,id=iothread1"], [step("query-iothreads")],
                        "one iothread"),
    "query-hotpluggable-cpus": ([], [step("query-hotpluggable-cpus")],
                                "2 of 4 possible CPUs present"),
    "dimm-hotplug": ([], [step("object-add", DIMM_BACKEND), step("device_add", DIMM),
                          step("query-memory-devices"), step("query-memdev")],
                     "a pc-dimm hot-plugged into node 1 from a bound backend"),
    "device-add-duplicate": ([], [step("object-add", DIMM_BACKEND), step("device_add", DIMM),
                                  step("device_add", DIMM)],
                             "device_add of an id already in use"),
    "object-del-in-use": ([], [step("object-add", DIMM_BACKEND), step("device_add", DIMM),
                               step("object-del", {"id": "memdimm0"})],
                          "object-del of a backend a dimm uses"),
    "device-del-no-guest": ([], [step("object-add", DIMM_BACKEND), step("device_add", DIMM),
                                 step("device_del", {"id": "dimm0"}, settle=3.0),
                                 step("query-memory-devices")],
                            "device_del of a dimm with no guest OS to eject it: "
                            "3 s later no DEVICE_DELETED has come"),
    "virtio-mem": ([], [step("object-add", {"qom-type": "memory-backend-ram", "id": "memvm0",
                                            "size": 536870912}),
                        step("device_add", {"driver": "virtio-mem-pci", "id": "virtiomem0",
                                            "memdev": "memvm0", "node": 0,
                                            "requested-size": 0}),
                        step("qom-set", {"path": "/machine/peripheral/virtiomem0",
                                         "property": "requested-size", "value": 134217728},
                             settle=1.0),
                        step("query-memory-devices")],
                   "virtio-mem-pci on pc; requested-size raised with no guest driver"),
    "hmp-gpa2hva": ([], [step("human-monitor-command", {"command-line": "gpa2hva 0"}),
                         step("human-monitor-command", {"command-line": "gpa2hva 0x80000000"})],
                    "HMP passthrough: one mapped address, one outside guest RAM"),
    "device-del-sync": (["-device", "virtio-serial-pci,id=vser0"],
                        [step("device_add", {"driver": "virtserialport", "id": "port0",
                                             "name": "org.vnuma.0"}),
                         step("device_del", {"id": "port0"}, settle=1.0),
                         step("qom-list", {"path": "/machine/peripheral"})],
                        "device_del of a device unplugged without the guest "
                        "(a virtio-serial port): DEVICE_DELETED comes at once"),
    "cpu-hotplug": ([], [step("device_add", {"driver": "qemu64-x86_64-cpu", "id": "vcpu2",
                                             "socket-id": 0, "core-id": 2, "thread-id": 0,
                                             "node-id": 1}, settle=0.5),
                         step("query-hotpluggable-cpus"), step("query-cpus-fast")],
                    "a vCPU hot-plugged into node 1"),
    "stop-cont": ([], [step("cont"), step("stop"), step("query-status")],
                  "cont and stop of the paused guest and their RESUME/STOP events"),
}


class Monitor:
    def __init__(self, path, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        self.buf = b""
        self.lines = []
        self.next_id = 1

    def _read_line(self, timeout):
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                return None
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("QEMU closed the monitor")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        if not line.endswith(b"\r"):
            raise ValueError("QMP line not ended by \\r\\n: %r" % line)
        text = line[:-1].decode()
        json.loads(text)  # must be JSON
        self.lines.append("< " + text)
        return json.loads(text)

    def execute(self, command, arguments=None, settle=0.2):
        msg = {"execute": command}
        if arguments is not None:
            msg["arguments"] = arguments
        msg["id"] = self.next_id
        self.next_id += 1
        text = json.dumps(msg, separators=(", ", ": "))
        self.lines.append("> " + text)
        self.sock.sendall(text.encode() + b"\r\n")
        while True:
            reply = self._read_line(30.0)
            if reply is None:
                raise TimeoutError(command)
            if reply.get("id") == msg["id"]:
                break
        while self._read_line(settle) is not None:
            pass
        return reply


def qemu_version():
    out = subprocess.run([QEMU, "--version"], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[0]


def record(name):
    extra, steps, what = SCENARIOS[name]
    tmp = tempfile.mkdtemp(prefix="vnuma-qmp-")
    path = os.path.join(tmp, "qmp.sock")
    argv = [QEMU] + BASE + extra + ["-qmp", "unix:%s,server=on,wait=off" % path]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
    try:
        mon = Monitor(path)
        mon._read_line(10.0)                    # the greeting
        mon.execute("qmp_capabilities", settle=0.05)
        for command, arguments, settle in steps:
            mon.execute(command, arguments, settle)
        mon.sock.close()
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(tmp)
    shown = " ".join(a if a.startswith("-") or "," not in a and " " not in a else "'%s'" % a
                     for a in argv).replace(path, "/tmp/vnuma-qmp/qmp.sock")
    header = ["# %s: %s" % (name, what),
              "# %s, recorded by tests/qmp/record.py on %s" % (qemu_version(), time.strftime("%Y-%m-%d")),
              "# " + shown,
              "# '>' client to QEMU, '<' QEMU to client; each line is one message, sent with \\r\\n"]
    with open(os.path.join(OUT, name + ".jsonl"), "w") as f:
        f.write("\n".join(header + mon.lines) + "\n")
    print("recorded %s (%d messages)" % (name, len(mon.lines)))


def main():
    os.makedirs(OUT, exist_ok=True)
    names = sys.argv[1:] or list(SCENARIOS)
    for n in names:
        if n not in SCENARIOS:
            sys.exit("unknown scenario %s (have: %s)" % (n, " ".join(SCENARIOS)))
        record(n)


if __name__ == "__main__":
    main()
