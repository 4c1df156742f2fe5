#!/usr/bin/env python3
"""Boot the KUnit variant of the xlibos image and check its KTAP report.

Every test case of every suite must pass (or be skipped); a failing case,
a crash, a panic, a missing result or a timeout fails the run.  The suites
listed in expected-suites.txt must all be present.  Ends with the line
"N passed, N failed, N skipped" (counting test cases) and exits non-zero on
any failure.
"""
import argparse
import re
import subprocess
import sys

RESULT = re.compile(r'^(\s*)(ok|not ok) (\d+) (.*?)(?:\s+#\s*(SKIP|TODO)\b.*)?$')
PLAN = re.compile(r'^(\s*)1\.\.(\d+)$')
SUBTEST = re.compile(r'^(\s*)# Subtest: (.*)$')
TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\] ')


def strip_printk(line):
    """Drop the printk timestamp; keep KTAP indentation."""
    return TIMESTAMP.sub('', line.rstrip('\n'))


def parse(lines):
    """Return (suites, problems): suites maps name -> list of (case, status)."""
    suites = {}
    problems = []
    top_plan = None
    top_results = 0
    current = None
    for raw in lines:
        line = strip_printk(raw)
        m = PLAN.match(line)
        if m and len(m.group(1)) == 0:
            top_plan = int(m.group(2))
            continue
        m = SUBTEST.match(line)
        if m and len(m.group(1)) == 4:
            current = m.group(2).strip()
            suites[current] = []
            continue
        m = RESULT.match(line)
        if not m:
            continue
        indent, verdict, _, name, directive = m.groups()
        status = 'skip' if directive == 'SKIP' else (
            'pass' if verdict == 'ok' else 'fail')
        if len(indent) == 4 and current is not None:
            # A test case (parameterised runs are nested deeper: ignored).
            suites[current].append((name.strip(), status))
        elif len(indent) == 0:
            # Suite verdict.  A suite whose cases all passed but which still
            # failed (its init failed, say) counts as one failure.
            top_results += 1
            suite = name.strip()
            suites.setdefault(suite, [])
            if status == 'fail' and not any(s == 'fail' for _, s in suites[suite]):
                suites[suite].append(('(suite)', 'fail'))
            current = None
    if top_plan is None:
        problems.append('no KTAP plan line: the kernel did not run KUnit')
    elif top_results != top_plan:
        problems.append('KTAP plan announced %d suites but %d reported '
                        '(crash or hang during a test?)' % (top_plan, top_results))
    return suites, problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--loader', required=True)
    ap.add_argument('--image', required=True)
    ap.add_argument('--expected', required=True,
                    help='file listing suite names that must be present')
    ap.add_argument('--mem', default='256M')
    ap.add_argument('--timeout', type=int, default=600)
    ap.add_argument('--log', help='write the full boot log here')
    args = ap.parse_args()

    cmd = [args.loader, 'boot', '--image', args.image, '--mem', args.mem,
           '--cmdline', 'kunit_shutdown=poweroff']
    problems = []
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=args.timeout)
        out = proc.stdout.decode('utf-8', 'replace')
        rc = proc.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'').decode('utf-8', 'replace')
        rc = None
        problems.append('timed out after %d s' % args.timeout)
    if args.log:
        with open(args.log, 'w') as f:
            f.write(out)

    suites, parse_problems = parse(out.splitlines())
    problems += parse_problems
    if rc is not None and rc != 0:
        problems.append('loader exited %d (expected 0 after kunit_shutdown='
                        'poweroff)' % rc)
    for line in out.splitlines():
        if 'Kernel panic' in line or 'BUG:' in line or 'Oops' in line:
            problems.append('kernel reported: ' + strip_printk(line))

    with open(args.expected) as f:
        expected = [l.strip() for l in f if l.strip() and not l.startswith('#')]
    for name in expected:
        if name not in suites:
            problems.append('expected suite missing: ' + name)

    passed = failed = skipped = 0
    for suite, cases in suites.items():
        p = sum(1 for _, s in cases if s == 'pass')
        f_ = sum(1 for _, s in cases if s == 'fail')
        k = sum(1 for _, s in cases if s == 'skip')
        passed, failed, skipped = passed + p, failed + f_, skipped + k
        print('%s %s: %d passed, %d failed, %d skipped' %
              ('not ok' if f_ else 'ok', suite, p, f_, k))
        for case, s in cases:
            if s == 'fail':
                print('#   failed: %s.%s' % (suite, case))
    print('# %d suites' % len(suites))
    for p_ in problems:
        print('not ok - ' + p_)
    failed += len(problems)
    if failed:
        tail = out.splitlines()[-30:]
        print('# last lines of the boot log:')
        for l in tail:
            print('#   ' + l)
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
