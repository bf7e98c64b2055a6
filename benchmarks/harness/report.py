# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ratios of a size's scenarios, the targets they meet or miss, and the Markdown tables printed."""

import os
import platform
import subprocess

from .scenarios import PLAYBOOK_TABLE


def machine():
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as stream:
        mem_kib = next(int(line.split()[1]) for line in stream if line.startswith("MemTotal:"))
    version = subprocess.run(["ansible-playbook", "--version"], capture_output=True, text=True, check=False).stdout.splitlines()
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "ram_gib": round(mem_kib / 1024.0 / 1024.0, 1),
        "python": platform.python_version(),
        "ansible_core": version[0] if version else "unknown",
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        "platform": platform.platform(),
    }


def ratios(summary, limits):
    """The bulk ratios (wall and CPU) and, under latency, each scenario's wall time over its limit."""

    def ratio(numerator, denominator, key):
        if numerator not in summary or denominator not in summary or not summary[denominator][key]:
            return None
        return round(summary[numerator][key] / summary[denominator][key], 2)

    result = {}
    for key in ("wall_s", "cpu_s"):
        unit = key.split("_", 1)[0]
        result["plain_over_collection_first_" + unit] = ratio("plain_first", "collection_first", key)
        result["plain_over_collection_rerun_" + unit] = ratio("plain_rerun", "collection_rerun", key)
        result["collection_rerun_over_floor_" + unit] = ratio("collection_rerun", "floor", key)
    for name, limit in limits.items():
        result["%s_over_latency_limit_wall" % name] = round(summary[name]["wall_s"] / limit, 2)
    return result


# Without latency, at N=200 (issue 4): (ratio key, how it compares, bound, what it means), on wall and CPU time.
BULK_TARGETS = (
    ("plain_over_collection_rerun", ">=", 10.0, "re-run at least 10x faster than the plain playbook"),
    ("collection_rerun_over_floor", "<=", 3.0, "re-run at most 3x the no-op floor"),
    ("plain_over_collection_first", ">=", 5.0, "first run at least 5x faster than the plain playbook"),
)
BULK_TARGET_SIZE = 200
# Under latency, from N=200 up (issues 15 and 25; a smaller run is a harness check): wall time over the
# scenario's limit, at most this.
LATENCY_TARGETS = {"collection_rerun": 1.3, "collection_first": 1.3, "audit": 1.5, "validate": 1.5, "info": 1.5, "contract": 1.5, "rotate": 1.5}


def target_checks(result):
    """(line, met) per target that this size's scenarios allow to check."""
    checks = []
    if result["size"] == BULK_TARGET_SIZE and not result.get("latency_ms"):
        for key, comparison, bound, meaning in BULK_TARGETS:
            for unit in ("wall", "cpu"):
                value = result["ratios"].get("%s_%s" % (key, unit))
                if value is None:
                    continue
                met = value >= bound if comparison == ">=" else value <= bound
                checks.append(("%s (%s): %sx" % (meaning, unit, value), met))
    for name, bound in LATENCY_TARGETS.items():
        value = result["ratios"].get("%s_over_latency_limit_wall" % name)
        if value is not None and result["size"] >= BULK_TARGET_SIZE:
            checks.append(("%s within %sx of its latency limit: %sx" % (name, bound, value), value <= bound))
    rerun = result["summary"].get("collection_rerun")
    if rerun is not None:
        checks.append(("at most 2 HTTP requests per unchanged tenant: %d" % rerun["max_requests_per_tenant"], rerun["max_requests_per_tenant"] <= 2))
    return checks


def missed(results):
    """Every target missed, as 'N=...: line'."""
    return ["N=%d: %s" % (result["size"], line) for result in results["sizes"] for line, met in target_checks(result) if not met]


def markdown(results):
    lines = [
        "| N | scenario | wall s | CPU s | CPU ms/host | HTTP requests/tenant (max) | writes | peak RSS MiB | output lines | reps | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results["sizes"]:
        for name, entry in result["summary"].items():
            capped = ">=" if entry["requests_capped"] else ""
            lines.append(
                "| %d | %s | %.2f | %.2f | %.1f | %s%.2f (%d) | %d | %.1f | %d | %d | %s |"
                % (
                    result["size"],
                    name,
                    entry["wall_s"],
                    entry["cpu_s"],
                    entry["cpu_ms_per_host"],
                    capped,
                    entry["requests_per_tenant"],
                    entry["max_requests_per_tenant"],
                    entry["writes"],
                    entry["peak_rss_mib"],
                    entry.get("output_lines", 0),
                    entry["repetitions"],
                    entry.get("load_1min", "?"),
                )
            )
    bulk = [result for result in results["sizes"] if "plain_rerun" in result["summary"] or "plain_first" in result["summary"]]
    if bulk:
        lines += [
            "",
            "| N | plain/collection first (wall, CPU) | plain/collection re-run (wall, CPU) | collection re-run/floor (wall, CPU) |",
            "|---:|---:|---:|---:|",
        ]
        for result in bulk:
            ratio = result["ratios"]
            lines.append(
                "| %d | %s, %s | %s, %s | %s, %s |"
                % (
                    (result["size"],)
                    + tuple(
                        "n/a" if ratio[key] is None else "%sx" % ratio[key]
                        for key in (
                            "plain_over_collection_first_wall",
                            "plain_over_collection_first_cpu",
                            "plain_over_collection_rerun_wall",
                            "plain_over_collection_rerun_cpu",
                            "collection_rerun_over_floor_wall",
                            "collection_rerun_over_floor_cpu",
                        )
                    )
                )
            )
    for result in results["sizes"]:
        lines += latency_table(result)
    lines += ["", "Targets (issues 4, 15 and 25):", ""]
    for result in results["sizes"]:
        lines += ["- N=%d: %s, %s" % (result["size"], line, "met" if met else "MISSED") for line, met in target_checks(result)]
    lines += scaling_table(results)
    for result in results["sizes"]:
        lines += profile_table(result)
    return "\n".join(lines)


def latency_table(result):
    """Issue 25's table: each playbook's wall time over its limit (floor + its requests, DocBits' and Infor's, x latency / forks)."""
    limits = result.get("latency_limits_wall_s") or {}
    if not limits:
        return []
    floor = result["summary"]["floor"]["wall_s"]
    lines = [
        "",
        "N=%d, %d forks, %g ms per request; floor %.2f s:" % (result["size"], result["forks"], result["latency_ms"], floor),
        "",
        "| playbook | its work (requests made) | wall s | its limit s | time / its limit |",
        "|---|---|---:|---:|---:|",
    ]
    rows = list(PLAYBOOK_TABLE)
    if "collection_first" in limits:
        rows.insert(0, ("collection_first", "provision_ionapi (first run)", "list, create, read back per environment"))
    for name, playbook, work in rows:
        if name in limits:
            entry = result["summary"][name]
            ratio = result["ratios"]["%s_over_latency_limit_wall" % name]
            made = entry["requests"] + entry.get("infor_requests", 0)
            lines.append("| %s | %s (%d) | %.2f | %.2f | %.2fx |" % (playbook, work, made, entry["wall_s"], limits[name], ratio))
    return lines


def scaling_table(results):
    """The slope between the extreme sizes: per-host cost without the fixed start-up of ansible-playbook."""
    sizes = sorted(results["sizes"], key=lambda result: result["size"])
    if len(sizes) < 2 or sizes[0]["size"] == sizes[-1]["size"]:
        return []
    small, large = sizes[0], sizes[-1]
    hosts = large["size"] - small["size"]
    lines = [
        "",
        "| scenario | marginal wall ms/host | marginal CPU ms/host | peak RSS MiB N=%d -> N=%d |" % (small["size"], large["size"]),
        "|---|---:|---:|---:|",
    ]
    for name in small["summary"]:
        if name not in large["summary"]:
            continue
        low, high = small["summary"][name], large["summary"][name]
        lines.append(
            "| %s | %.1f | %.1f | %.1f -> %.1f |"
            % (name, 1000 * (high["wall_s"] - low["wall_s"]) / hosts, 1000 * (high["cpu_s"] - low["cpu_s"]) / hosts, low["peak_rss_mib"], high["peak_rss_mib"])
        )
    return lines


def profile_table(result):
    if not result["profile"]:
        return []
    variants = result["profile"]["variants"]
    reference = variants["as_is"]
    limit = (result.get("latency_limits_wall_s") or {}).get("collection_rerun")
    lines = [
        "",
        "Profile, N=%d (collection re-run variants; delta = variant - as is):" % result["size"],
        "",
        "| variant | wall s | CPU s | CPU ms/host | delta CPU ms/host | wall / latency limit |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, entry in variants.items():
        lines.append(
            "| %s: %s | %.2f | %.2f | %.1f | %+.1f | %s |"
            % (
                name,
                entry["what"],
                entry["wall_s"],
                entry["cpu_s"],
                entry["cpu_ms_per_host"],
                entry["cpu_ms_per_host"] - reference["cpu_ms_per_host"],
                "%.2fx" % (entry["wall_s"] / limit) if limit else "n/a",
            )
        )
    imports = result["profile"]["imports"]
    lines += [
        "",
        "Import CPU in a fresh interpreter (ms): %s; the ionapi action plugin adds %.1f ms; largest (cumulative ms): %s"
        % (
            imports["cpu_ms"],
            imports["ionapi_added_cpu_ms"],
            ", ".join("%s %.1f" % (name, value) for name, value in imports["importtime_cumulative_ms"].items()),
        ),
    ]
    return lines
