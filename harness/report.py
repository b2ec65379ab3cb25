#!/usr/bin/env python3
"""report.py RESULTS.json OUTDIR [MATRIX.md [SCALING.json]]

Draws the plots of an `exitwatch run` (gnuplot: SVG and PNG) and writes
report.md and a self-contained report.html (SVG inline) into OUTDIR.
Standard library only."""
import html
import json
import os
import subprocess
import sys
import time

COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
          "#7f7f7f"]
MECH_ORDER = ["pidfd-epoll", "pidfd-poll", "waitid", "sigchld-scan", "proc-poll",
              "kill0-poll", "cn-proc", "uring-waitid", "pidfd-info"]
STAGES = [("exit_to_mm_start", "exit tp -> exit_mm start"),
          ("mm_teardown", "mm teardown (exit_mm..exit_mmap)"),
          ("mm_end_to_notify", "mm end -> notify parent (files, fs, ns, cgroup...)"),
          ("notify_to_wake", "notify -> watcher waking"),
          ("wake_to_run", "waking -> watcher on CPU"),
          ("run_to_user", "on CPU -> user-space stamp")]


def us(ns):
    return "-" if ns is None else "%.1f" % (ns / 1e3)


def ok_runs(d):
    return [r for r in d["runs"] if r["status"] != "skipped"]


def metric(r):
    return r.get("cdf_metric", "trigger_to_user")


def lat(r, name, key="p50"):
    v = r.get("latency_ns", {}).get(name)
    return None if v is None else v.get(key)


def gnuplot(script, outdir):
    subprocess.run(["gnuplot"], input=script.encode(), cwd=outdir, check=True)


def plot_all(d, outdir, sc=None):
    runs = ok_runs(d)
    plots = []
    common_term = {
        "svg": 'set terminal svg size 900,560 dynamic noenhanced font "Helvetica,13" background rgb "white"',
        "png": 'set terminal pngcairo size 1100,680 noenhanced font "Helvetica,12" background rgb "white"',
    }
    traced = d["tracer"]["enabled"]
    # 1. latency CDF per mechanism, burst N=1, load off
    cdf = [r for r in runs if r["scenario"] == "burst" and r["n"] == 1 and not r["load"]]
    if cdf:
        m = metric(cdf[0])
        files = []
        for r in sorted(cdf, key=lambda r: MECH_ORDER.index(r["mechanism"])):
            fn = "cdf_%s.dat" % r["mechanism"]
            with open(os.path.join(outdir, fn), "w") as f:
                for q, v in enumerate(r["cdf_ns"]):
                    f.write("%g %g\n" % (max(v, 1) / 1e3, q / 100.0))
            files.append((fn, r["mechanism"]))
        what = "sched\\_process\\_exit -> watcher knows (BPF + user stamp)" if m == "exit_to_user" \
            else "kill() -> watcher knows (user-space stamps only)"
        body = ['set title "Exit notification latency, one child killed at a time (burst N=1), %s"' % what,
                'set xlabel "latency (microseconds, log scale)"', 'set ylabel "fraction of exits (CDF)"',
                "set logscale x", "set grid", "set key bottom right", "set yrange [0:1]", 'set format x "%g"',
                "plot " + ", ".join('"%s" using 1:2 with lines lw 2 lc rgb "%s" title "%s"' % (fn, COLORS[MECH_ORDER.index(t)], t) for fn, t in files)]
        plots.append(("latency_cdf", "Latency CDF per mechanism (burst, N=1)", body))
    # 2. latency p50 vs N ; 3. CPU per exit vs N
    src = sc if sc else d
    spawn_note = " (children share memory: CLONE_VM)" if src["options"].get("spawn") == "vm" else ""
    burst = [r for r in ok_runs(src) if r["scenario"] == "burst" and not r["load"]]
    mechs = [m for m in MECH_ORDER if any(r["mechanism"] == m for r in burst)]
    if burst:
        lfiles, cfiles = [], []
        for m in mechs:
            rs = sorted([r for r in burst if r["mechanism"] == m], key=lambda r: r["n"])
            fn = "byn_%s.dat" % m
            with open(os.path.join(outdir, fn), "w") as f:
                for r in rs:
                    p50 = lat(r, metric(r)) or 0
                    cpu = r.get("watcher_cpu_ns_per_exit") or 0
                    f.write("%d %g %g\n" % (r["n"], max(p50, 1) / 1e3, max(cpu, 1) / 1e3))
            lfiles.append((fn, m))
        body = ['set title "Median notification latency vs burst size N (%s)%s"' % (
                    "exit -> watcher knows" if src["tracer"]["enabled"] else "kill() -> watcher knows", spawn_note),
                'set xlabel "children killed at once, N (log scale)"',
                'set ylabel "median latency (microseconds, log scale)"',
                "set logscale xy", "set grid", "set key outside right", 'set format y "%.0f"', 'set format x "%.0f"',
                "plot " + ", ".join('"%s" using 1:2 with linespoints lw 2 pt 7 lc rgb "%s" title "%s"' % (fn, COLORS[MECH_ORDER.index(t)], t) for fn, t in lfiles)]
        plots.append(("latency_vs_n", "Median latency vs N", body))
        body = ['set title "Watcher CPU time per exit vs burst size N%s"' % spawn_note,
                'set xlabel "children killed at once, N (log scale)"',
                'set ylabel "watcher thread CPU per exit (microseconds, log scale)"',
                "set logscale xy", "set grid", "set key outside right", 'set format y "%g"', 'set format x "%.0f"',
                "plot " + ", ".join('"%s" using 1:3 with linespoints lw 2 pt 7 lc rgb "%s" title "%s"' % (fn, COLORS[MECH_ORDER.index(t)], t) for fn, t in lfiles)]
        plots.append(("cpu_vs_n", "Watcher CPU per exit vs N", body))
    # 4. stage breakdown, burst N=1
    st = [r for r in cdf if r.get("stages_mean_ns")] if cdf else []
    if st:
        fn = "stages.dat"
        st = sorted(st, key=lambda r: MECH_ORDER.index(r["mechanism"]))
        with open(os.path.join(outdir, fn), "w") as f:
            for r in st:
                f.write(r["mechanism"] + " " + " ".join("%g" % (r["stages_mean_ns"].get(s, 0) / 1e3) for s, _ in STAGES) + "\n")
        cols = ", ".join("'' using %d title \"%s\"" % (i + 2, t) for i, (_, t) in enumerate(STAGES[1:], start=1))
        body = ['set title "Where the time from sched_process_exit to the watcher knowing goes (one child killed at a time, mean)"',
                'set ylabel "mean time per exit (microseconds)"',
                "set style data histograms", "set style histogram rowstacked", "set style fill solid 0.85 border -1",
                "set boxwidth 0.7", "set key below", "set grid y", "set xtics rotate by -30",
                'plot "%s" using 2:xtic(1) title "%s", %s' % (fn, STAGES[0][1], cols)]
        plots.append(("stages", "Stage breakdown of exit -> user (burst N=1)", body))
    out = []
    for name, title, body in plots:
        for ext in ("svg", "png"):
            script = "\n".join([common_term[ext], 'set output "%s.%s"' % (name, ext)] + body) + "\n"
            with open(os.path.join(outdir, name + "_" + ext + ".gp"), "w") as f:
                f.write(script)
            gnuplot(script, outdir)
        out.append((name, title))
    return out


def md_table(head, rows):
    s = "| " + " | ".join(head) + " |\n|" + "|".join("---" for _ in head) + "|\n"
    for r in rows:
        s += "| " + " | ".join(str(c) for c in r) + " |\n"
    return s


def html_table(head, rows):
    s = "<table><tr>" + "".join("<th>%s</th>" % html.escape(h) for h in head) + "</tr>\n"
    for r in rows:
        s += "<tr>" + "".join("<td>%s</td>" % html.escape(str(c)) for c in r) + "</tr>\n"
    return s + "</table>\n"


def mark(met):
    return "PASS" if met is True else "FAIL" if met is False else "n/a"


def build(d, plots, outdir, matrix_path, sc=None):
    sections = []   # (title, [("md"/"table"/"plot"/"pre", payload)])
    m = d["machine"]
    t = d["tracer"]
    tool = d["tool"]
    desc = [
        "kernel %s (%s), %s, %s CPUs online (%s), %s MB RAM, Debian %s, pid_max %s" % (
            m["kernel_release"], m["kernel_version"], m["arch"], m["cpus_online"], m["cpu_model"],
            m["mem_total_mb"], m["debian_version"], m["pid_max"]),
        "load average at start: %s; at end: %s (the storms raise it themselves: thousands of killed children are runnable at once)" % (m["loadavg_start"], m["loadavg_end"]),
        "note: %s" % (tool.get("note") or "-"),
        "command: `%s` (%.0f s%s)" % (tool["command"], tool["duration_s"],
                                      ", INTERRUPTED: partial results" if tool["interrupted"] else ""),
    ]
    if t["enabled"]:
        desc.append("BPF tracer: on. %s. mm teardown tracepoints: %s. Optional fentry programs: %s." % (
            t["exit_tracepoint_placement"], "yes" if t.get("mm_tracepoints") else "no",
            "loaded" if t.get("stage_programs") else "not loaded (" + t.get("stage_programs_reason", "") + ")"))
        desc.append("ring buffer: %d records, %d drops; map full: %d" % (
            t["records_total"], t["ringbuf_drops_total"], t["map_full_total"]))
    else:
        desc.append("BPF tracer: OFF (%s). Only user-space latencies (kill() or the child's last stamp -> notice)." % t["reason"])
    sections.append(("Machine and kernel", [("list", desc)]))
    before = t.get("exit_tp_before_exit_mm") if t["enabled"] else None
    sections.append(("What the kernel lets the observer measure", [
        ("table", (["boundary", "how", "this kernel", "6.1"], [
            ["SIGKILL generated", "tp signal_generate", "yes", "yes"],
            ["exit begins", "tp sys_enter (exit_group) or signal_deliver (SIGKILL)", "yes", "yes"],
            ["t_exit", "tp sched_process_exit, group's last thread (signal->live == 0)",
             "before exit_mm (6.16+)" if before == 1 else "after exit_mm" if before == 0 else "?",
             "after exit_mm and acct_process"],
            ["mm teardown start / end", "first tp mmap_lock_start_locking of the exiting task (exit_mm takes it) / tp exit_mmap",
             "yes" if t.get("mm_tracepoints") else "no", "yes (enabling mmap_lock tracepoints on 6.1 also formats a memcg path per lock: check perturbation)"],
            ["notify", "fentry do_notify_parent (optional), else the first of SIGCHLD generated and the first watcher wake",
             "fentry" if t.get("stage_programs") else "fallback (no fentry here)", "same"],
            ["t_wake", "tp sched_waking, current in the exiting group, p a watcher thread", "yes", "yes"],
            ["t_run", "tp sched_switch, next == that watcher", "yes", "yes"],
            ["t_reap", "fentry release_task (optional)", "yes" if t.get("stage_programs") else "no", "if fentry works"],
        ])),
        ("md", "On this kernel exit->wake includes mm teardown; on 6.1 mm teardown happens before t_exit and shows up in "
               "begin_to_exit instead, so exit->wake figures of the two kernels are not comparable without the stages." if before == 1 else
               "mm teardown happens before t_exit here and shows up in begin_to_exit.")]))

    targets = [dict(t2) for t2 in d["targets"]]
    if sc:
        stg = {t2["name"]: t2 for t2 in sc["targets"]}
        for t2 in targets:
            if t2["name"] == "pidfd_epoll_scaling" and t2["met"] is None and stg.get(t2["name"], {}).get("met") is not None:
                t2.update(stg[t2["name"]])
                t2["note"] += " (scaling run, CLONE_VM children)"
            if t2["name"] == "nothing_lost":
                extra = sum(r["detection_errors"]["missed"] + r["lost"] + r["bpf"]["ringbuf_drops"]
                            for r in ok_runs(sc))
                n = sum(r["exits"] for r in ok_runs(sc))
                t2["note"] += "; scaling run: %d exits, %d unaccounted or dropped" % (n, extra)
                if extra and t2["met"] is True:
                    t2["met"] = False
                if t2["measured"] is not None:
                    t2["measured"] += extra
    rows = []
    for tg in targets:
        meas = tg["measured"]
        rows.append([tg["name"], tg["target"], "-" if meas is None else "%.4g %s" % (meas, tg["unit"]),
                     mark(tg["met"]), tg["note"]])
    sections.append(("SPEC targets", [("table", (["target", "goal", "measured", "met", "detail"], rows)),
                                      ("md", "n/a: the target only asks for a figure, or its inputs were not measured in this run.")]))

    fl, pt = d["floor"], d["perturbation"]
    items = []
    if fl["measured"]:
        p = fl["pipe_pingpong_one_way_ns"]
        items.append("wake-up floor, pipe ping-pong between two processes, one way: p50 %s us, p90 %s us, p99 %s us, max %s us (%d samples)" % (
            us(p["p50"]), us(p["p90"]), us(p["p99"]), us(p["max"]), p["count"]))
        items.append("raw fork+exit+reap rate (fork, _exit, waitpid, one at a time): %.0f /s" % fl["fork_exit_reap_per_s"])
    else:
        items.append("floor not measured")
    if pt["measured"]:
        items.append("tracer perturbation: fork+exit+reap %.0f /s traced vs %.0f /s untraced (medians of %d interleaved %d ms slices, ratio %.3f); median of the paired slice ratios %.3f (the target's figure)" % (
            pt["traced_median_per_s"], pt["untraced_median_per_s"], len(pt["traced_per_s"]), pt["slice_ms"],
            pt.get("ratio_of_medians", 0), pt["ratio"]))
    else:
        items.append("tracer perturbation not measured: %s" % (pt.get("reason") or "-"))
    sections.append(("Floor and observer perturbation", [("list", items)]))

    blocks = []
    for name, title in plots:
        blocks.append(("plot", (name, title)))
    sections.append(("Plots", blocks or [("md", "no plots (no runs)")]))

    head = ["scenario", "N", "load", "mechanism", "exits", "lost", "missed", "false", "metric",
            "p50 us", "p90 us", "p99 us", "p99.9 us", "max us", "exit->wake p50 us", "wake->run p50 us",
            "CPU/exit us", "syscalls/exit", "exits/s", "status ok"]
    rows, skipped = [], []
    for r in d["runs"]:
        if r["status"] == "skipped":
            skipped.append([r["scenario"], r["n"], "on" if r["load"] else "off", r["mechanism"], r["skip_reason"]])
            continue
        mm = metric(r)
        L = r["latency_ns"].get(mm, {})
        rows.append([r["scenario"], r["n"], "on" if r["load"] else "off", r["mechanism"], r["exits"], r["lost"],
                     r["detection_errors"]["missed"], r["detection_errors"]["false"],
                     "exit->user" if mm == "exit_to_user" else "trigger->user",
                     us(L.get("p50")), us(L.get("p90")), us(L.get("p99")), us(L.get("p99_9")), us(L.get("max")),
                     us(lat(r, "exit_to_wake")), us(lat(r, "wake_to_run")),
                     "%.2f" % (r["watcher_cpu_ns_per_exit"] / 1e3) if r["watcher_cpu_ns_per_exit"] is not None else "-",
                     "%.2f" % r["syscalls_per_exit"] if r["syscalls_per_exit"] is not None else "-",
                     "%.0f" % r["exits_per_s"],
                     "%d/%d" % (r["exit_status"]["recovered"], r["exit_status"]["expected"])])
    blocks = [("md", "Latencies in microseconds. exit->user: from `sched_process_exit` of the child's last thread "
                     "(BPF) to the watcher's own CLOCK_MONOTONIC stamp; trigger->user (without the tracer): from the "
                     "kill() call (burst, heavy) or the child's last stamp before _exit (churn, stagger). "
                     "CPU/exit: watcher thread CPU time over the whole cell / exits. status ok: wait statuses "
                     "recovered correctly / exits noticed (pollers cannot recover one)."),
              ("table", (head, rows))]
    if skipped:
        blocks.append(("md", "Skipped:"))
        blocks.append(("table", (["scenario", "N", "load", "mechanism", "reason"], skipped)))
    sections.append(("All runs", blocks))
    if sc:
        rows = []
        for r in ok_runs(sc):
            mm = metric(r)
            L = r["latency_ns"].get(mm, {})
            rows.append([r["scenario"], r["n"], r["mechanism"], r["exits"], r["lost"], r["detection_errors"]["missed"],
                         us(L.get("p50")), us(L.get("p99")), us(L.get("max")),
                         "%.2f" % (r["watcher_cpu_ns_per_exit"] / 1e3) if r["watcher_cpu_ns_per_exit"] is not None else "-",
                         "%.2f" % r["syscalls_per_exit"] if r["syscalls_per_exit"] is not None else "-",
                         "%.0f" % r["exits_per_s"]])
        sections.append(("Scaling run (children created with CLONE_VM: cheap to create, no mm teardown)", [
            ("md", "command: `%s`. Forking 10,000 real processes takes minutes on a slow 2-core machine, so the N "
                   "sweep up to 10,000 uses children that share the harness's memory; the notification path is the "
                   "same, exit skips mm teardown. The per-N plots above come from this run." % sc["tool"]["command"]),
            ("table", (["scenario", "N", "mechanism", "exits", "lost", "missed", "p50 us", "p99 us", "max us",
                        "CPU/exit us", "syscalls/exit", "exits/s"], rows))]))

    st = [r for r in ok_runs(d) if r["scenario"] == "burst" and r["n"] == 1 and not r["load"] and r.get("stages_mean_ns")]
    if st:
        head = ["mechanism"] + [s for s, _ in STAGES] + ["sum of stages", "mean exit->user", "difference"]
        rows = []
        for r in sorted(st, key=lambda r: MECH_ORDER.index(r["mechanism"])):
            s = r["stages_mean_ns"]
            rows.append([r["mechanism"]] + [us(s.get(k, 0)) for k, _ in STAGES] +
                        [us(r["stages_sum_mean_ns"]), us(r["exit_to_user_mean_ns"]),
                         "%.3f%%" % (100 * abs(r["stages_sum_mean_ns"] - r["exit_to_user_mean_ns"]) / max(r["exit_to_user_mean_ns"], 1))])
        sections.append(("Stage breakdown (burst N=1, mean us)", [
            ("md", "Stages are cut at the kernel stamps in order from sched_process_exit; a stage whose end stamp "
                   "is missing (e.g. no wake for a polling mechanism, no SIGCHLD for autoreaped children) is folded "
                   "into the next one. " + (t.get("exit_tracepoint_placement", "") if t["enabled"] else "")),
            ("table", (head, rows))]))

    bench = os.path.join(os.path.dirname(matrix_path), "bench", "bench.json")
    if os.path.exists(bench):
        with open(bench) as f:
            b = json.load(f)
        rows = []
        for x in b.get("benchmarks", []):
            if x.get("error_occurred"):
                rows.append([x["name"], "-", "-", "-", x.get("error_message", "")])
            else:
                rows.append([x["name"], "%.0f" % x["real_time"], "%.0f" % x["cpu_time"], x["time_unit"], ""])
        ctx = b.get("context", {})
        sections.append(("Micro-benchmarks (make bench, %s)" % ctx.get("date", "?"), [
            ("md", "From %s: Google Benchmark through the C shim; not re-run by make report." % os.path.relpath(bench, os.path.dirname(os.path.dirname(matrix_path)))),
            ("table", (["benchmark", "real time", "CPU time", "unit", "skipped because"], rows))]))
    if os.path.exists(matrix_path):
        with open(matrix_path) as f:
            when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(matrix_path)))
            sections.append(("Conformance matrix (from make check, written %s)" % when, [("raw_md", f.read())]))
    else:
        sections.append(("Conformance matrix", [("md", "Not run: %s does not exist (`make check` writes it)." % os.path.relpath(matrix_path, os.path.dirname(os.path.abspath(outdir))) )]))
    return sections


def write_md(sections, outdir, d):
    s = "# exitwatch report\n\nGenerated %s from `results.json` (schema %s; see harness/SCHEMA.md).\n\n" % (
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), d["schema"])
    for title, blocks in sections:
        s += "## %s\n\n" % title
        for kind, payload in blocks:
            if kind == "md" or kind == "raw_md":
                s += payload + "\n\n"
            elif kind == "list":
                s += "".join("- %s\n" % x for x in payload) + "\n"
            elif kind == "table":
                s += md_table(*payload) + "\n"
            elif kind == "plot":
                name, title2 = payload
                s += "![%s](%s.svg)\n\n(PNG: [%s.png](%s.png))\n\n" % (title2, name, name, name)
    with open(os.path.join(outdir, "report.md"), "w") as f:
        f.write(s)


def md_to_html_min(text):
    """tables and paragraphs of the matrix file, enough for make check's output"""
    out, table = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            if table and len(cells) > len(table[0]):
                # a '|' inside the first cell (e.g. "IN|HUP"): glue it back
                k = len(cells) - len(table[0])
                cells = ["|".join(cells[:k + 1])] + cells[k + 1:]
            table.append(cells)
            continue
        if table:
            out.append(html_table(table[0], table[1:]))
            table = []
        if line.startswith("#"):
            out.append("<h3>%s</h3>" % html.escape(line.lstrip("# ")))
        elif line.strip():
            out.append("<p>%s</p>" % html.escape(line))
    return "\n".join(out)


def write_html(sections, outdir, d):
    css = ("body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:1400px}"
           "table{border-collapse:collapse;margin:1em 0;font-size:12px}"
           "td,th{border:1px solid #bbb;padding:3px 6px;text-align:right}th{background:#eee}"
           "td:first-child,th:first-child{text-align:left}svg{max-width:100%;height:auto}")
    s = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>exitwatch report</title><style>%s</style></head><body>\n" % css
    s += "<h1>exitwatch report</h1><p>Generated %s (schema %s). Self-contained: plots are inline SVG.</p>\n" % (
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), html.escape(d["schema"]))
    for title, blocks in sections:
        s += "<h2>%s</h2>\n" % html.escape(title)
        for kind, payload in blocks:
            if kind == "md":
                s += "<p>%s</p>\n" % html.escape(payload)
            elif kind == "raw_md":
                s += md_to_html_min(payload)
            elif kind == "list":
                s += "<ul>" + "".join("<li>%s</li>" % html.escape(x) for x in payload) + "</ul>\n"
            elif kind == "table":
                s += html_table(*payload)
            elif kind == "plot":
                name, title2 = payload
                with open(os.path.join(outdir, name + ".svg")) as f:
                    svg = f.read()
                svg = svg[svg.find("<svg"):]
                s += "<figure>%s<figcaption>%s</figcaption></figure>\n" % (svg, html.escape(title2))
    s += "</body></html>\n"
    with open(os.path.join(outdir, "report.html"), "w") as f:
        f.write(s)


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    src, outdir = sys.argv[1], sys.argv[2]
    matrix = sys.argv[3] if len(sys.argv) > 3 else "build/matrix.md"
    with open(src) as f:
        d = json.load(f)
    sc = None
    if len(sys.argv) > 4 and os.path.exists(sys.argv[4]):
        with open(sys.argv[4]) as f:
            sc = json.load(f)
    plots = plot_all(d, outdir, sc)
    for fn in os.listdir(outdir):
        if fn.endswith(".dat") or fn.endswith(".gp"):
            os.unlink(os.path.join(outdir, fn))
    sections = build(d, plots, outdir, matrix, sc)
    write_md(sections, outdir, d)
    write_html(sections, outdir, d)


if __name__ == "__main__":
    main()
