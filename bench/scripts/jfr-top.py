#!/usr/bin/env python3
"""Where a JFR recording's CPU samples go: top methods by self and by inclusive share.

usage: jfr-top.py RECORDING.jfr [N] [--threads PREFIX]
Reads jdk.ExecutionSample (threads running Java code). jdk.NativeMethodSample (threads inside
native methods, mostly epoll_wait and writev) is summarized separately by top frame, since JFR
samples it whether or not the thread burns CPU.
"""
import collections, json, subprocess, sys

def load(path, event):
    out = subprocess.run(["jfr", "print", "--json", "--events", event, path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]

def frames(ev):
    st = ev["values"].get("stackTrace") or {}
    res = []
    for f in st.get("frames", []):
        m = f["method"]
        res.append(m["type"]["name"].split(".")[-1] + "." + m["name"])
    return res

def thread(ev):
    t = ev["values"].get("sampledThread") or {}
    return t.get("javaName") or t.get("osName") or "?"

def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 and not sys.argv[2].startswith("-") else 25
    prefix = None
    if "--threads" in sys.argv:
        prefix = sys.argv[sys.argv.index("--threads") + 1]
    evs = [e for e in load(path, "jdk.ExecutionSample") if prefix is None or thread(e).startswith(prefix)]
    total = len(evs)
    selfc, incl, threads = collections.Counter(), collections.Counter(), collections.Counter()
    for e in evs:
        fr = frames(e)
        threads[thread(e)] += 1
        if fr:
            selfc[fr[0]] += 1
            for m in set(fr):
                incl[m] += 1
    print(f"jdk.ExecutionSample: {total} samples")
    print("by thread:", ", ".join(f"{t} {c}" for t, c in threads.most_common(8)))
    print(f"\nself (top frame), top {n}:")
    for m, c in selfc.most_common(n):
        print(f"  {100.0*c/total:5.1f}%  {m}")
    print(f"\ninclusive, top {n}:")
    for m, c in incl.most_common(n):
        print(f"  {100.0*c/total:5.1f}%  {m}")
    nat = [e for e in load(path, "jdk.NativeMethodSample") if prefix is None or thread(e).startswith(prefix)]
    nc = collections.Counter()
    for e in nat:
        fr = frames(e)
        nc[" <- ".join(fr[:3]) if fr else "?"] += 1
    print(f"\njdk.NativeMethodSample: {len(nat)} samples (threads in native code, busy or blocked)")
    for m, c in nc.most_common(8):
        print(f"  {100.0*c/max(1,len(nat)):5.1f}%  {m}")

main()
