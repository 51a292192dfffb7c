#!/usr/bin/env python3
"""tests/fuzz/qmp_seeds.py - write the seeds of fuzz_qmp (tests/fuzz/qmp-seeds)
from the QEMU 7.2 recordings in tests/qmp/recorded.

fuzz_qmp's input is what QEMU sends after the greeting and the reply to
qmp_capabilities; the harness then sends query-cpus-fast (id 2),
query-hotpluggable-cpus (3), query-iothreads (4), query-memory-devices (5),
query-memdev (6), human-monitor-command (7), device_add (8) and waits for
DEVICE_DELETED and STOP.  Seeds: one stream answering all of these from the
recordings (twice: pc-dimm and virtio-mem, the second with events before
each reply), and each recording's own stream after the greeting.
"""
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REC = os.path.join(HERE, "..", "qmp", "recorded")
OUT = os.path.join(HERE, "qmp-seeds")


def server_lines(name):
    with open(os.path.join(REC, name + ".jsonl")) as f:
        lines = [l.rstrip("\n") for l in f if l.startswith("< ")]
    return [l[2:] for l in lines]


def reply(name, command_index, new_id):
    """The reply to the command_index-th command (0: qmp_capabilities) of a recording."""
    replies = [json.loads(l) for l in server_lines(name) if '"event"' not in l[:60] and "QMP" not in l[:8]]
    r = replies[command_index]
    r["id"] = new_id
    return json.dumps(r)


def event(name, data=None):
    e = {"timestamp": {"seconds": 1796160953, "microseconds": 521219}, "event": name}
    if data is not None:
        e["data"] = data
    return json.dumps(e)


def write(name, lines):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        f.write("".join(l + "\r\n" for l in lines))


def main():
    os.makedirs(OUT, exist_ok=True)
    answers = [reply("query-cpus-fast", 1, 2), reply("query-hotpluggable-cpus", 1, 3),
               reply("query-iothreads", 1, 4), reply("dimm-hotplug", 3, 5),
               reply("dimm-hotplug", 4, 6), reply("hmp-gpa2hva", 1, 7),
               reply("device-add-duplicate", 3, 8)]
    tail = [event("DEVICE_DELETED", {"device": "dimm0", "path": "/machine/peripheral/dimm0"}),
            event("STOP")]
    write("all-dimm", answers + tail)
    answers[3] = reply("virtio-mem", 4, 5)
    before = []
    for a in answers:
        before += [event("RESUME"), a]
    write("all-virtio-mem-events-first", before + tail)
    for path in sorted(glob.glob(os.path.join(REC, "*.jsonl"))):
        name = os.path.basename(path)[:-len(".jsonl")]
        write("recorded-" + name, server_lines(name)[2:])


if __name__ == "__main__":
    main()
