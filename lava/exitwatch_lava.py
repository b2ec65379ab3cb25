#!/usr/bin/env python3
"""exitwatch LAVA helper (scripts/lava.sh runs it).

  job GUEST --kernel-url U --ramdisk-url U [--kernel-args A] -o JOB.yaml
        render lava/jobs/{suite,cost}.yaml.jinja2 and validate it with
        lava_common.schemas.validate(strict=True), the server's own check
  validate JOB.yaml...   the same check on existing job files
  device JOB.yaml -o DEVICE.yaml
        render lava/devices/exitwatch-qemu.jinja2 against lava-server's
        device-type templates with the job's context (as lava-server does)
  results OUTPUT_DIR [--reference CONSOLE.log] [--label L]
        judge a lava-run output directory; exit 1 on a failed or missing
        result or a job error
"""
import argparse, json, os, re, shlex, sys

import jinja2, yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAVA = os.path.join(TOP, "lava")
DEVICE_TYPES = os.path.join(TOP, "build/lava/server/usr/share/lava-server/device-types")

# the guests' command line (scripts/vm-test.sh); the debug guest adds what
# vm-test.sh gives it (read from there, not copied)
SUITE_ARGS = "console=ttyS0,115200 panic=-1 oops=panic loglevel=4 log_buf_len=4M EW_GUEST=1"
GUESTS = {  # memory MiB, job minutes (vm-test: VM_TIMEOUT 1500 s / 5400 s)
    "base": (2048, 30), "patched": (2048, 30), "debug": (4096, 100), "cost": (512, 15),
}


def sh_var(path, name, case=None):
    """NAME=... from a shell script (inside `case) ...` block CASE if given),
    with ${VAR:-default} expanded to its default."""
    text = open(path).read()
    if case:
        m = re.search(r"^%s\)(.*?);;" % re.escape(case), text, re.M | re.S)
        text = m.group(1) if m else ""
    m = re.search(r"\b%s=\"([^\"]*)\"" % name, text)
    if not m:
        return None
    val = m.group(1)
    for var, dflt in re.findall(r"^(\w+)=\$\{\w+:-([^}]*)\}", open(path).read(), re.M):
        val = val.replace("$" + var, dflt).replace("${%s}" % var, dflt)
    return val


def cost_guest():
    """scripts/cost.sh's QEMU_ARGS and APPEND, minus what LAVA's qemu template
    already gives (-nographic serial, -m from memory, -no-reboot from the device)"""
    cost = os.path.join(TOP, "scripts/cost.sh")
    qargs, append = sh_var(cost, "QEMU_ARGS"), sh_var(cost, "APPEND")
    if not qargs or not append:
        sys.exit("lava: cannot read QEMU_ARGS and APPEND from scripts/cost.sh")
    words, opts, mem = shlex.split(qargs), [], 512
    i = 0
    while i < len(words):
        w = words[i]
        arg = words[i + 1] if i + 1 < len(words) and not words[i + 1].startswith("-") else None
        i += 2 if arg is not None else 1
        if w in ("-nodefaults", "-no-reboot") or w == "-display":
            continue  # -nodefaults would drop the serial port LAVA reads
        if w == "-m":
            mem = int(re.sub(r"[MmGg]$", "", arg)) * (1024 if arg[-1] in "Gg" else 1)
            continue
        opts.append(w + (" " + arg if arg is not None else ""))
    return opts, append.replace("console=ttyS0", "console=ttyS0,115200", 1), mem


def render_job(a):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(LAVA, "jobs")),
                             undefined=jinja2.StrictUndefined, trim_blocks=True)
    memory, minutes = GUESTS[a.guest]
    kw = dict(guest=a.guest, kernel_url=a.kernel_url, ramdisk_url=a.ramdisk_url,
              memory=memory, job_minutes=minutes)
    if a.guest == "cost":
        opts, args, kw["memory"] = cost_guest()
        kw.update(guest=a.cost_kernel, qemu_options=json.dumps(opts),
                  kernel_args=a.kernel_args or args)
        text = env.get_template("cost.yaml.jinja2").render(**kw)
    else:
        args = SUITE_ARGS
        if a.guest == "debug":
            args += " " + (sh_var(os.path.join(TOP, "scripts/vm-test.sh"), "def_append", "debug") or "")
        kw["kernel_args"] = " ".join((a.kernel_args or args).split())
        text = env.get_template("suite.yaml.jinja2").render(**kw)
    validate_text(text, a.output)
    with open(a.output, "w") as f:
        f.write(text)


def validate_text(text, name):
    from lava_common.schemas import validate
    try:
        validate(yaml.safe_load(text), strict=True)
    except Exception as e:  # voluptuous.Invalid and YAML errors
        sys.exit("lava: %s does not validate (lava_common.schemas, strict): %s" % (name, e))


def cmd_validate(a):
    for j in a.jobs:
        validate_text(open(j).read(), j)
        print("lava: %s validates (lava_common.schemas.validate, strict=True)" % j)


def cmd_device(a):
    job = yaml.safe_load(open(a.job))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([os.path.join(LAVA, "devices"), DEVICE_TYPES]),
                             trim_blocks=True, autoescape=False)
    text = env.get_template("exitwatch-qemu.jinja2").render(**job.get("context", {}))
    yaml.safe_load(text)
    with open(a.output, "w") as f:
        f.write(text)


def read_log(outdir):
    """lava-run's log (one JSON object a line): results and console lines, in order"""
    res, target, info = [], [], []
    for line in open(os.path.join(outdir, "lava-run.log"), errors="replace"):
        # lava-run 2023.01 tags values that are not strings: "size": ! "3458048",
        # and a result without a measurement has "measurement": ! "null"; no JSON
        try:
            e = json.loads(re.sub(r': ! ("(?:[^"\\]|\\.)*")', r': \1', line))
            if isinstance(e.get("msg"), dict) and e["msg"].get("measurement") == "null":
                e["msg"]["measurement"] = None
        except ValueError:
            if '"lvl": "results"' in line:
                sys.exit("lava: cannot parse a result in lava-run.log: " + line[:200])
            continue
        if e.get("lvl") == "results" and isinstance(e.get("msg"), dict):
            res.append(e["msg"])
        elif e.get("lvl") == "target" and isinstance(e.get("msg"), str):
            target.append(e["msg"])
        elif e.get("lvl") == "info" and isinstance(e.get("msg"), str):
            info.append(e["msg"])
    return res, target, info


def reference_results(console):
    """(binary, test, result) from vm-test's console.log"""
    out, binary = [], None
    for line in open(console, errors="replace"):
        m = re.match(r"^== (\S+)", line)
        if m:
            binary = m.group(1)
        m = re.match(r"^\s*(not ok|ok) \d+ ([^#\r\n]*?) *(#\s*(SKIP)?.*)?$", line.rstrip("\r\n"))
        if m and binary:
            r = "fail" if m.group(1) == "not ok" else "skip" if m.group(4) else "pass"
            out.append((binary, m.group(2), r))
    return out


def results(a):
    res, target, info = read_log(a.outdir)
    label, errors = a.label, []
    lava = {r["case"]: r for r in res if r.get("definition") == "lava"}
    job = lava.get("job", {})
    if job.get("result") != "pass":
        errors.append("the job did not complete: %s: %s" % (job.get("error_type", "no job result"),
                                                            job.get("error_msg", "").strip()))
    for case in ("lava-test-monitor", "lava-test-monitor-retry"):
        if case in lava and lava[case].get("result") != "pass":
            errors.append("LAVA's %s: %s" % (case, lava[case].get("result")))
    ktap = [r for r in res if r.get("definition") == "exitwatch-ktap"]
    checks = [r for r in res if r.get("definition") == "exitwatch-checks"]
    cost = [r for r in res if r.get("definition") == "exitwatch-cost"]
    text = "\n".join(target)
    # each monitor must have reached its end string (a timeout leaves the job "complete");
    # the console line that matched it is not always logged as a target line
    ends, want = sum(m.startswith("ok: end string found") for m in info), 1 if a.kind == "cost" else 2
    if ends != want:
        errors.append("%d of %d monitors reached their end string (guest crashed or hung?)" % (ends, want))
    out = {"ktap": [], "checks": checks, "cost": cost, "binaries": []}

    if cost or "EWCOST" in text or a.kind == "cost":
        lines = re.findall(r"EWCOST op=(\w+) ", text)
        if len(lines) != len(cost):
            errors.append("%d EWCOST lines on the console, %d LAVA results" % (len(lines), len(cost)))
        for r in cost:
            if r.get("result") not in ("pass", "skip"):
                errors.append("cost %s: %s" % (r["case"], r.get("result")))
        meas = [r for r in cost if r.get("measurement") not in (None, "None")]
        summary = "%d operations measured, %d absent (skip)" % (len(meas), len(cost) - len(meas))
    else:
        for marker in ("EXITWATCH: guest", "EXITWATCH-LAVA: suite done", "EXITWATCH-LAVA: checks"):
            if marker not in text:
                errors.append("never saw '%s' on the console (guest crashed or hung?)" % marker)
        plans = [dict(re.findall(r"(\w+)=(\S+)", m)) for m in re.findall(r"EWLAVA-PLAN ([^\r\n]*)", text)]
        # LAVA's KTAP cases, given to the binaries in the order they ran
        i = 0
        for p in plans:
            n, got = p["name"], int(p["results"])
            mine = ktap[i:i + got]
            i += got
            plan = p["plan"]
            bad = []
            if plan == "none":
                bad.append("no KTAP plan")
            elif int(plan) != got:
                bad.append("%d of %s planned results" % (got, plan))
            if len(mine) != got:
                bad.append("LAVA saw %d of its %d result lines" % (len(mine), got))
            nf = sum(r.get("result") == "fail" for r in mine)
            if nf:
                bad.append("%d failed" % nf)
            if not (p["rc"] == "0" or (n.startswith("selftest_") and p["rc"] == "4")):
                bad.append("exit status %s" % p["rc"])
            for r in mine:
                out["ktap"].append({"binary": n, "test": r.get("extra", {}).get("test_case_id", r["case"]),
                                    "case": r["case"], "result": r.get("result")})
            out["binaries"].append({"name": n, "plan": plan, "results": got, "rc": p["rc"], "problems": bad})
            if bad:
                errors.append("%s: %s" % (n, ", ".join(bad)))
        if i != len(ktap):
            errors.append("%d KTAP results in LAVA, %d accounted for by the binaries' result counts" % (len(ktap), i))
        if not plans:
            errors.append("no test binary reported (EWLAVA-PLAN lines)")
        for r in checks:
            if r.get("result") not in ("pass", "skip"):
                errors.append("check %s: %s" % (r["case"], r.get("result")))
        if not any(r["case"] == "kernel_splats" for r in checks):
            errors.append("no kernel-splats check in LAVA's results")
        for r in ktap:
            if r.get("result") == "fail":
                errors.append("not ok: %s" % r.get("extra", {}).get("test_case_id", r["case"]))
        n = {k: sum(r.get("result") == k for r in ktap) for k in ("pass", "fail", "skip")}
        summary = "%d passed, %d failed, %d skipped (%d test binaries against their KTAP plans; %d checks)" % (
            n["pass"], n["fail"], n["skip"], len(plans), len(checks))
        if a.reference and not a.no_reference and os.path.exists(a.reference):
            ref = reference_results(a.reference)
            mine = [(r["binary"], r["test"], r["result"]) for r in out["ktap"]]
            same = sum(x == y for x, y in zip(ref, mine))
            out["reference"] = {"file": a.reference, "results": len(ref), "identical": same}
            if same == len(ref) == len(mine):
                summary += "; identical to %s test by test (%d)" % (a.reference, same)
            else:
                summary += "; DIFFERS from %s: %d of %d/%d identical" % (a.reference, same, len(ref), len(mine))
                if a.require_identical:
                    errors.append("results differ from vm-test's (%s)" % a.reference)
                for x, y in [(x, y) for x, y in zip(ref, mine) if x != y][:10]:
                    print("%s:   vm-test %s / lava %s" % (label, x, y))
    out["errors"] = errors
    with open(os.path.join(a.outdir, "results.json"), "w") as f:
        json.dump(out, f, indent=1)
    # LAVA's own results, as lava-server lists them (lava-run's result.yaml has only the job's)
    with open(os.path.join(a.outdir, "results.yaml"), "w") as f:
        yaml.safe_dump(res, f, sort_keys=False)
    for e in errors[:40]:
        print("%s: %s" % (label, e), file=sys.stderr)
    print("%s: %s%s; results: %s/results.json, LAVA's log %s/lava-run.log" % (
        label, "FAIL: " if errors else "", summary, a.outdir, a.outdir))
    return 1 if errors else 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    j = sub.add_parser("job")
    j.add_argument("guest", choices=sorted(GUESTS))
    j.add_argument("--kernel-url", required=True)
    j.add_argument("--ramdisk-url", required=True)
    j.add_argument("--kernel-args")
    j.add_argument("--cost-kernel", default="base")
    j.add_argument("-o", "--output", required=True)
    v = sub.add_parser("validate")
    v.add_argument("jobs", nargs="+")
    d = sub.add_parser("device")
    d.add_argument("job")
    d.add_argument("-o", "--output", required=True)
    r = sub.add_parser("results")
    r.add_argument("outdir")
    r.add_argument("--reference", help="vm-test's console.log: compare test by test")
    r.add_argument("--no-reference", action="store_true", help="ignore --reference")
    r.add_argument("--require-identical", action="store_true",
                   help="a result that differs from --reference is an error (make check)")
    r.add_argument("--label", default="lava")
    r.add_argument("--kind", choices=("suite", "cost"), default="suite")
    a = p.parse_args()
    {"job": render_job, "validate": cmd_validate, "device": cmd_device,
     "results": lambda a: sys.exit(results(a))}[a.cmd](a)


if __name__ == "__main__":
    main()
