#!/usr/bin/env python3
"""check_json.py MODE FILE: assertions on an `exitwatch run` JSON for t_run.
MODE: schema | nobpf | agree | storm.  Exit 0 when they hold; prints why not."""
import json
import sys

SUMMARY = {"count", "min", "p50", "p90", "p99", "p99_9", "max", "mean"}
TOP = {"schema", "tool", "machine", "tracer", "options", "floor", "perturbation", "mechanisms", "runs", "targets"}
RUN_OK = {"scenario", "n", "load", "mechanism", "status", "rounds", "exits", "count", "lost",
          "detection_errors", "exit_status", "bpf", "exits_per_s", "watcher_cpu_ns", "watcher_cpu_ns_per_exit",
          "syscalls_per_exit", "latency_ns", "cdf_metric", "cdf_ns"}
TARGETS = {"observer_perturbation", "nothing_lost", "pidfd_wake_vs_floor", "storm_rate_vs_raw",
           "pidfd_epoll_scaling", "stage_sum"}
fails = []


def check(cond, msg):
    if not cond:
        fails.append(msg)


def schema(d):
    check(d.get("schema") == "exitwatch-results/1", "schema id")
    check(TOP <= set(d), "top-level keys missing: %s" % (TOP - set(d)))
    check(d["tracer"]["enabled"] in (True, False), "tracer.enabled")
    check(len(d["mechanisms"]) == 9, "nine mechanisms listed")
    for m in d["mechanisms"]:
        check(m["available"] or m["skip_reason"], "unavailable mechanism without reason: %s" % m["name"])
    for r in d["runs"]:
        if r["status"] == "skipped":
            check(bool(r.get("skip_reason")), "skipped run without reason")
            continue
        check(RUN_OK <= set(r), "run keys missing: %s" % (RUN_OK - set(r)))
        check(len(r["cdf_ns"]) == 101, "cdf has 101 points")
        check(r["cdf_ns"] == sorted(r["cdf_ns"]), "cdf is monotonic")
        for k, v in r["latency_ns"].items():
            check(set(v) == SUMMARY, "latency %s keys" % k)
            check(v["min"] <= v["p50"] <= v["p90"] <= v["p99"] <= v["p99_9"] <= v["max"], "percentiles ordered in %s" % k)
        check(r["count"] + r["detection_errors"]["missed"] == r["exits"], "count + missed == exits")
    check(any(r["scenario"] == "reuse" and r["status"] == "skipped" for r in d["runs"]), "reuse skipped on the host")
    check({t["name"] for t in d["targets"]} == TARGETS, "targets listed")
    for t in d["targets"]:
        check(t["met"] in (True, False, None), "target met is a bool or null")
    # round trip: re-encode and decode gives the same document
    check(json.loads(json.dumps(d)) == d, "round trip")


def nobpf(d):
    check(d["tracer"]["enabled"] is False and d["tracer"]["reason"], "tracer off with a reason")
    for r in d["runs"]:
        check(r["status"] == "ok", "run ok")
        check("trigger_to_user" in r["latency_ns"] and "exit_to_user" not in r["latency_ns"], "user-side latency only")
        check(r["detection_errors"]["missed"] == 0, "nothing missed")
    nl = [t for t in d["targets"] if t["name"] == "nothing_lost"][0]
    check(nl["met"] is None, "nothing_lost not claimed without the tracer")


def agree(d):
    check(d["tracer"]["enabled"], "tracer on")
    for r in d["runs"]:
        L = r["latency_ns"]
        check(r["bpf"]["missing"] == 0, "every exit has a BPF record")
        user = L["trigger_to_user"]["mean"]
        bpf = L["exit_to_user"]["mean"] + L["begin_to_exit"]["mean"]
        # the child's stamp comes a syscall entry before the BPF exit start
        diff = user - bpf
        check(L["trigger_to_user"]["count"] == L["exit_to_user"]["count"] == L["begin_to_exit"]["count"],
              "same samples on both sides")
        check(0 <= diff < max(50e3, 0.05 * user),
              "%s: user-side %.1f us vs BPF exit start->user %.1f us" % (r["mechanism"], user / 1e3, bpf / 1e3))
        if r.get("stages_mean_ns"):
            s = sum(r["stages_mean_ns"].values())
            check(abs(s - r["exit_to_user_mean_ns"]) <= 0.01 * r["exit_to_user_mean_ns"], "stages add up")


def storm(d):
    r = d["runs"][0]
    check(r["exits"] == 10000, "10000 exits, got %d" % r["exits"])
    check(r["count"] == 10000, "all noticed, got %d" % r["count"])
    check(r["detection_errors"] == {"missed": 0, "false": 0, "duplicate": 0}, "no detection errors")
    check(r["lost"] == 0 and r["bpf"]["missing"] == 0, "no lost BPF records")
    check(r["bpf"]["ringbuf_drops"] == 0, "no ring-buffer drops")
    check(r["exit_status"]["recovered"] == 10000, "all statuses recovered")


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        d = json.load(f)
    {"schema": schema, "nobpf": nobpf, "agree": agree, "storm": storm}[mode](d)
    for m in fails:
        print("# check_json %s: %s" % (mode, m))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
