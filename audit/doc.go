// Package audit judges existing containers from their inspect data: against
// a hardrun profile, and against the CIS Docker Benchmark v1.6.0 section 5
// ("Container Runtime") checks that inspect data can judge. Judge and the
// findings are pure; Run is the orchestration of `hardrun audit` (list,
// inspect concurrently, read the facts, judge) behind the small Engine
// interface this package defines, so that it imports no engine client.
//
// # Profile findings
//
// The profile rules are not re-implemented here. policy.RequestFromInspect
// turns inspect data into the create request the container stands for
// (taking back out what docker and the engine filled in themselves: the
// image's volumes, masked paths, label=disable beside a host namespace, the
// cgroup v1 namespace, the default bridge, default logging); Run evaluates
// it with the policy, no flag counted as given, and hands the plan's
// changes and refusals in as a Policy. Findings are built from their
// structured Field and Elem, never from rendered flag text. A refusal is an item
// the profile would not have permitted; a change is a hardening default
// the profile would have applied, so one the container lacks. Each
// becomes a failed Finding with the profile key, the value the profile
// wants and the value the container has.
//
// # Effect findings
//
// Run also reads what the container really gets, with look-ups of its
// own run concurrently and at most LookupParallel at a time: its own
// /etc/passwd and /etc/group through the archive endpoint (Engine.UserFiles),
// each named volume's inspect (once per run), each bind source's object
// on the engine's host (the policy's HostFacts.Object). EffectFindings
// judges them under an enforcing profile with the policy's own checks:
// the identity resolved as the engine resolves it (allow_root,
// allow_root_group), the volumes (policy.CheckVolumes), the bind sources
// (policy.JudgeStart), the recorded log driver (policy.Check's), the
// cgroup namespace, and the ports the engine published
// (NetworkSettings.Ports against network.publish and publish_host_ip).
// What the policy already refused on the request is not repeated. Labels
// never vouch for a container: they are shown, never trusted.
//
// A container removed while it is audited is left out with a notice
// under --all and is an error when it was named.
//
// # CIS findings
//
// Checks is the table: number, title, severity and a judge, each with a
// comment saying why the check matters and how it reads the inspect data.
// Every check gives a finding, passed or not; "if applicable" checks (5.2
// AppArmor, 5.3 SELinux) are skipped (passed, Skipped set) on an engine
// that lacks the mechanism, and 5.9 when the image's config is unknown.
// Not judged, since inspect data cannot tell: 5.1, 5.7, 5.23, 5.24, 5.28.
//
// # JSON (`hardrun audit --format json`)
//
// Stable: within format_version 1 fields are only ever added, and lists
// are never null.
//
//	{
//	  "format_version": 1,
//	  "hardrun_version": "1.0.0",         // the hardrun that audited
//	  "profile": {"name": "default", "hash": "<sha256 hex>"},
//	  "pass": false,                      // every container passed
//	  "notices": ["..."],                 // what the policy noted (e.g. AppArmor not available)
//	  "results": [{                       // one per container, sorted by name
//	    "container": {
//	      "id": "<64 hex>", "name": "web", "image": "nginx:1.27",
//	      "image_id": "sha256:...", "state": "running",
//	      "profile_label": "default@sha256:...",   // io.hardrun.profile, "" if absent
//	      "version_label": "1.0.0"                 // io.hardrun.version, "" if absent
//	    },
//	    "pass": false,                    // no finding failed
//	    "effects": {                      // what it really gets (absent when not read)
//	      "user": "1234", "uid": 1234, "gid": 1234, "groups": [0, 1234],  // uid/gid null: unresolvable
//	      "identity": "how it was resolved, or why it could not be",
//	      "log_driver": "json-file", "cgroupns": "private" | "host",
//	      "ports": ["0.0.0.0:8080->80/tcp"],
//	      "volumes": [{"name": "data", "destination": "/data", "driver": "local",
//	                   "options": {}, "error": "only when it could not be inspected"}]
//	    },
//	    "findings": [{
//	      "source": "profile" | "cis",
//	      "id": "read_only" | "5.13",     // profile key, or CIS number
//	      "title": "missing --read-only" | "Ensure that the container's root filesystem is mounted as read only",
//	      "want": "true",                 // what the profile or the check wants
//	      "got": "false",                 // what the container has
//	      "pass": false,
//	      "skipped": true,                // only when the check does not apply (pass is then true)
//	      "severity": "high" | "medium" | "low"
//	    }]
//	  }]
//	}
//
// Profile findings come first, in the policy's order (refusals, then
// missing defaults); CIS findings follow in the benchmark's order. Profile
// findings are only failures; CIS findings are every judged check.
//
// # SARIF (`hardrun audit --format sarif`)
//
// SARIF 2.1.0 for code-scanning dashboards: one run; a rule per CIS check
// ("cis/5.13") and per profile key with a finding ("profile/read_only"),
// with a security-severity; a result per failed finding, located at the
// container (logical location container/<id>, pseudo-path
// containers/<name>) with a stable partial fingerprint.
package audit
