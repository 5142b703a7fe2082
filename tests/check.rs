//! `plancheck check` end to end: the findings that submission.md §7.1 lists for its example,
//! the JSON contract of cli.md, exit codes, the city level, and snapshots of every format.

mod common;

use common::plancheck;

use serde_json::Value;

const EXAMPLE: &str = "tests/submissions/example-jinnan-2024.json";

fn json(args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (_, out, err) = plancheck(&all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"))
}

/// The code of a subject given by code or by name (from the report's `subjects`).
fn code_of(report: &Value, subject: &str) -> String {
    let subjects = report["subjects"].as_array().expect("subjects");
    let found = subjects.iter().find(|s| s["code"] == subject || s["name"] == subject);
    found.and_then(|s| s["code"].as_str()).unwrap_or(subject).to_string()
}

fn status(report: &Value, rule: &str, subject: &str) -> String {
    let code = code_of(report, subject);
    report["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .find(|v| v["rule"] == rule && v["subject"]["code"] == code.as_str())
        .unwrap_or_else(|| panic!("no verdict for {rule} on {subject}"))["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_findings_of_the_spec_example_hold() {
    let r = json(&[EXAMPLE]);
    // Standing obligations violated (submission.md §7.1).
    assert_eq!(status(&r, "staffing.four_plus_n_core", "仁和园社区"), "fail");
    assert_eq!(status(&r, "staffing.households_per_worker", "仁和园社区"), "fail");
    assert_eq!(status(&r, "facilities.urban_area_per_100_households", "仁和园社区"), "fail");
    assert_eq!(status(&r, "facilities.new_development_commercial_share", "NRP-2024-004"), "fail");
    assert_eq!(status(&r, "police.village_officer_weekly_hours", "SG-A04@120112103202"), "fail");
    // 2025 targets not yet met in 2024: progress, not a violation.
    assert_eq!(status(&r, "staffing.training_rotation_coverage", "120112"), "behind");
    assert_eq!(status(&r, "facilities.activity_area_share", "仁和园社区"), "behind");
    assert_eq!(status(&r, "facilities.activity_area_share", "宋庄子村"), "behind");
    assert_eq!(status(&r, "police.office_colocation_rate", "120112"), "behind");
    assert_eq!(status(&r, "police.community_time_share", "SG-A02"), "behind");
    assert_eq!(status(&r, "police.mass_prevention_share", "120112"), "behind");
    // Passing, at the boundary included.
    assert_eq!(status(&r, "staffing.certified_share", "120112"), "pass");
    assert_eq!(status(&r, "facilities.village_area_min", "宋庄子村"), "pass");
    assert_eq!(status(&r, "staffing.workers_per_10k_urban", "120112"), "pass");
    assert_eq!(status(&r, "police.community_officer_share", "120112-PS-SG"), "pass");
}

#[test]
fn the_json_output_follows_the_contract() {
    let r = json(&["--trace", "all", EXAMPLE]);
    assert_eq!(r["format"], "plancheck-report/2");
    assert_eq!(r["tool"]["name"], "plancheck");
    assert_eq!(r["lang"], "zh");
    assert_eq!(r["as_of"], "2024-12-31");
    assert!(r["diagnostics"].as_array().expect("diagnostics").is_empty());
    let verdicts = r["verdicts"].as_array().expect("verdicts");
    let counted: u64 = ["pass", "fail", "on_track", "behind", "unknown", "not_applicable"]
        .iter()
        .map(|s| r["summary"][s].as_u64().expect("a count per status"))
        .sum();
    assert_eq!(counted as usize, verdicts.len());
    // Rules and subjects once, verdicts by reference.
    let rules = r["rules"].as_array().expect("rules");
    let rule = rules.iter().find(|x| x["id"] == "police.community_officer_share").expect("the rule");
    assert_eq!(rule["requirement"], ">= 40");
    assert_eq!(rule["unit"], "%");
    assert_eq!(rule["due"], "2025-12-31");
    assert_eq!(rule["kind"], "expected");
    assert_eq!(rule["departments"][0], "市委政法委", "lead department first");
    assert_eq!(rule["sources"][0]["section"], "重点任务 › 着力增加城乡社区服务供给 › 平安社区建设行动");
    let subjects = r["subjects"].as_array().expect("subjects");
    let station = subjects.iter().find(|s| s["code"] == "120112-PS-SG").expect("the station");
    assert_eq!(station["level"], "police_station");
    assert_eq!(station["path"][0], "津南区");
    let v = verdicts.iter().find(|v| v["rule"] == "police.community_officer_share").expect("the police share verdict");
    assert_eq!(v["subject"], serde_json::json!({"level": "police_station", "code": "120112-PS-SG"}));
    assert_eq!(v["actual"], serde_json::json!(41.6667));
    assert!(v.get("title").is_none() && v.get("departments").is_none(), "rule facts are in `rules`: {v}");
    assert!(v["explanation"].as_str().expect("text").contains("41.67%"));
    let leaf = &v["trace"]["inputs"][0];
    assert_eq!(leaf["label"], "police_station.community_officers");
    assert_eq!(leaf["location"]["file"], EXAMPLE);
    assert!(leaf["location"]["line"].as_u64().expect("line") > 1);
}

#[test]
fn exit_codes_follow_the_contract() {
    assert_eq!(plancheck(&["check", EXAMPLE]).0, 1, "the example has failures");
    assert_eq!(plancheck(&["check", "--only", "police.community_officer_share", EXAMPLE]).0, 0);
    assert_eq!(plancheck(&["check", "--only", "police.mass_prevention_share", EXAMPLE]).0, 0, "behind is no failure");
    assert_eq!(plancheck(&["check", "--strict", "--only", "police.mass_prevention_share", EXAMPLE]).0, 1);
    let after = json(&["--as-of", "2026-01-01", "--only", "police.mass_prevention_share", EXAMPLE]);
    assert_eq!(status(&after, "police.mass_prevention_share", "120112"), "fail", "due, so a failure");
    let tolerant = json(&["--param", "tolerance=1", "--only", "staffing.households_per_worker", EXAMPLE]);
    assert_eq!(status(&tolerant, "staffing.households_per_worker", "仁和园社区"), "pass");
}

#[test]
fn the_city_is_judged_with_all_sixteen_districts() {
    let r = json(&["--only", "staffing.*", "examples/tianjin-2025"]);
    let city: Vec<&Value> =
        r["verdicts"].as_array().expect("verdicts").iter().filter(|v| v["subject"]["level"] == "city").collect();
    let rules: Vec<&str> = city.iter().filter_map(|v| v["rule"].as_str()).collect();
    for id in ["staffing.workers_per_10k_urban", "staffing.certified_share", "staffing.training_rotation_coverage"] {
        assert_eq!(rules.iter().filter(|r| **r == id).count(), 1, "one city verdict for {id}");
    }
    assert!(city.iter().all(|v| v["subject"]["code"] == "120000"));
    // Fewer than sixteen districts: every city verdict is unknown and names the missing ones.
    let one = json(&["--lang", "en", "--only", "staffing.*", "examples/tianjin-2025/120103-河西区.json"]);
    let city: Vec<&Value> =
        one["verdicts"].as_array().expect("verdicts").iter().filter(|v| v["subject"]["level"] == "city").collect();
    assert!(!city.is_empty(), "the city is judged, as unknown");
    for v in city {
        assert_eq!(v["status"], "unknown", "{v}");
        let text = v["explanation"].as_str().expect("explanation");
        assert!(text.contains("missing (15): ") && text.contains("和平区 (120101)"), "{text}");
        assert!(!text.contains("河西区 (120103)"), "the district given is not missing: {text}");
    }
}

#[test]
fn a_district_submitted_twice_for_a_year_is_unusable_naming_both_files() {
    let dir = common::fresh_dir("twice");
    std::fs::copy(common::root().join("examples/tianjin-2025/120102-河东区.json"), dir.join("again.json"))
        .expect("copy");
    let again = dir.join("again.json").to_string_lossy().into_owned();
    let (code, _, err) = plancheck(&["--lang", "en", "check", "examples/tianjin-2025", &again]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("E1302") && err.contains("two submissions of `120102` for 2025"), "{err}");
    assert!(err.contains("again.json") && err.contains("120102-河东区.json"), "both files are named: {err}");
}

#[test]
fn junit_is_well_formed_with_one_case_per_verdict() {
    let (_, out, _) = plancheck(&["check", "--format", "junit", EXAMPLE]);
    let mut reader = quick_xml::Reader::from_str(&out);
    let (mut cases, mut failures, mut depth) = (0, 0, 0i32);
    // Each suite is one rule, once, in rule order; its counts are those of its cases.
    let mut suites: Vec<(String, usize, usize)> = Vec::new();
    let mut counted: Vec<(usize, usize)> = Vec::new();
    let attr = |e: &quick_xml::events::BytesStart<'_>, name: &[u8]| {
        e.attributes()
            .filter_map(Result::ok)
            .find(|a| a.key.as_ref() == name)
            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
            .unwrap_or_default()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                if e.name().as_ref() == b"testsuite" {
                    let n = |k: &[u8]| attr(&e, k).parse::<usize>().expect("a count");
                    suites.push((attr(&e, b"name"), n(b"tests"), n(b"failures")));
                    counted.push((0, 0));
                }
                if e.name().as_ref() == b"testcase" {
                    cases += 1;
                    counted.last_mut().expect("a suite").0 += 1;
                }
            }
            quick_xml::events::Event::Empty(e) => {
                if e.name().as_ref() == b"testcase" {
                    cases += 1;
                    counted.last_mut().expect("a suite").0 += 1;
                }
                if e.name().as_ref() == b"failure" {
                    failures += 1;
                    counted.last_mut().expect("a suite").1 += 1;
                }
            }
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    let r = json(&[EXAMPLE]);
    assert_eq!(cases, r["verdicts"].as_array().expect("verdicts").len());
    assert_eq!(failures as u64, r["summary"]["fail"].as_u64().expect("fail"));
    let rules: Vec<&str> = r["rules"].as_array().expect("rules").iter().filter_map(|x| x["id"].as_str()).collect();
    let names: Vec<&str> = suites.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(names, rules, "a suite per rule judged, in order");
    for ((name, tests, failed), (cases, failures)) in suites.iter().zip(&counted) {
        assert_eq!((*tests, *failed), (*cases, *failures), "{name}");
    }
}

#[test]
fn sarif_has_the_required_structure() {
    let (_, out, _) = plancheck(&["check", "--format", "sarif", EXAMPLE]);
    let s: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(s["version"], "2.1.0");
    let run = &s["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "plancheck");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for result in run["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(["error", "warning", "note", "none"].contains(&result["level"].as_str().expect("level")));
        assert!(!result["message"]["text"].as_str().expect("message").is_empty());
        // The city that cannot be judged without every district's submission has no place.
        if result.get("locations").is_none() {
            assert_eq!((&result["properties"]["subject"], &result["kind"]), (&"120000".into(), &"review".into()));
            continue;
        }
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["startLine"].as_u64().expect("line") >= 1 && region["startColumn"].as_u64().expect("column") >= 1
        );
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        assert_eq!(artifact["uri"], EXAMPLE, "relative to the working directory");
    }
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().expect("the base");
    assert!(base.starts_with("file:///") && base.ends_with('/'), "{base}");
    // Each rule carries its requirement once (cli.md), with its unit, as the rules write it.
    let judged = rules.iter().filter(|r| r["id"].as_str().is_some_and(|id| id.contains('.')));
    for rule in judged {
        let requirement = rule["properties"]["requirement"].as_str().unwrap_or_default();
        assert!(!requirement.is_empty(), "no requirement: {rule}");
        let full = rule["fullDescription"]["text"].as_str().unwrap_or_default();
        assert!(full.contains(requirement), "{rule}");
    }
    let instructors = rules.iter().find(|r| r["id"] == "sports.instructors_per_1000").expect("the rule");
    assert!(
        instructors["properties"]["requirement"].as_str().is_some_and(|r| r.contains(">= 2.7 人/千人")),
        "{instructors}"
    );
}

#[test]
fn sarif_has_a_result_for_every_verdict_that_is_not_a_pass_at_the_level_of_the_exit_code() {
    for strict in [false, true] {
        let mut args = vec!["check", EXAMPLE];
        args.extend(strict.then_some("--strict"));
        let (_, json, _) = plancheck(&[args.as_slice(), &["--format", "json"]].concat());
        let (_, sarif, _) = plancheck(&[args.as_slice(), &["--format", "sarif"]].concat());
        let (json, sarif): (Value, Value) =
            (serde_json::from_str(&json).expect("JSON"), serde_json::from_str(&sarif).expect("SARIF"));
        let results = sarif["runs"][0]["results"].as_array().expect("results");
        let verdicts = json["verdicts"].as_array().expect("verdicts");
        let not_passes: Vec<&Value> = verdicts.iter().filter(|v| v["status"] != "pass").collect();
        assert_eq!(results.len(), not_passes.len(), "strict: {strict}");
        for (result, verdict) in results.iter().zip(&not_passes) {
            assert_eq!(result["ruleId"], verdict["rule"]);
            assert_eq!(result["properties"]["status"], verdict["status"]);
            let status = verdict["status"].as_str().unwrap_or_default();
            let fails = status == "fail" || (strict && ["behind", "unknown"].contains(&status));
            let (level, kind) =
                (result["level"].as_str().unwrap_or_default(), result["kind"].as_str().unwrap_or_default());
            match status {
                "not_applicable" => assert_eq!((level, kind), ("none", "notApplicable"), "{result}"),
                _ if fails => assert!(["error", "warning"].contains(&level) && kind == "fail", "{result}"),
                _ => assert_eq!((level, kind), ("note", "review"), "{result}"),
            }
        }
        assert!(
            not_passes.iter().any(|v| v["status"] == "unknown")
                && not_passes.iter().any(|v| v["status"] == "not_applicable")
        );
    }
}

/// Every SARIF log is valid against the published SARIF 2.1.0 schema (`tests/sarif/`): with
/// verdicts, on exit 2 (a broken submission), in both languages and over all 16 districts.
#[test]
fn sarif_is_valid_against_the_published_schema() {
    let text = std::fs::read_to_string(common::root().join("tests/sarif/sarif-schema-2.1.0.json")).expect("the schema");
    // The published schema's pattern for `run.language` has a stray `]` that a validator of
    // regular expressions rejects; plancheck writes no `language`. Read as intended:
    let text = text.replace(r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
    let broken = common::fresh_dir("sarif-broken").join("broken.json");
    let text = std::fs::read_to_string(common::root().join(EXAMPLE)).expect("example");
    std::fs::write(&broken, text.replacen("\"households\": 2380", "\"households\": \"many\"", 1)).expect("write");
    let broken = broken.to_string_lossy().into_owned();
    // A warning in a run that judges (a misspelt field) and a problem with two places.
    let warned = common::fresh_dir("sarif-warned").join("warned.json");
    std::fs::write(&warned, text.replacen("\"households\": 2380", "\"housholds\": 1, \"households\": 2380", 1))
        .expect("write");
    let warned = warned.to_string_lossy().into_owned();
    let twice = "tests/submissions/bad/E1302_duplicate-submission";
    let runs: [&[&str]; 6] = [
        &["--lang", "zh", "check", "--format", "sarif", EXAMPLE],
        &["--lang", "en", "check", "--format", "sarif", "examples/tianjin-2025"],
        &["--lang", "en", "check", "--format", "sarif", &broken],
        &["--lang", "en", "check", "--format", "sarif", "--only", "no.such_rule", EXAMPLE],
        &["--lang", "en", "check", "--format", "sarif", &warned],
        &["--lang", "en", "check", "--format", "sarif", twice],
    ];
    for args in runs {
        let (code, out, err) = plancheck(args);
        let log: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {err}"));
        let errors: Vec<String> =
            validator.iter_errors(&log).take(5).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{args:?} (exit {code}): {errors:#?}");
        // The validator does look: a level SARIF does not know is caught.
        let mut wrong = log.clone();
        if let Some(result) = wrong["runs"][0]["results"].get_mut(0) {
            result["level"] = Value::from("fatal");
            assert!(!validator.is_valid(&wrong), "{args:?}: a wrong level passes");
        }
    }
}

#[test]
fn sarif_uris_are_percent_encoded() {
    let (_, out, _) = plancheck(&["check", "--format", "sarif", "--only", "social_org.*", "examples/tianjin-2025"]);
    let s: Value = serde_json::from_str(&out).expect("JSON");
    let uris: Vec<&str> = s["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.iter().any(|u| u.contains("%E5%92%8C%E5%B9%B3%E5%8C%BA")), "和平区 encoded: {uris:?}");
    assert!(uris.iter().all(|u| u.is_ascii()), "{uris:?}");
}

#[test]
fn every_format_as_the_user_sees_it() {
    for format in ["human", "json", "markdown", "sarif", "junit"] {
        for lang in ["zh", "en"] {
            let (_, out, err) = plancheck(&["--lang", lang, "check", "--format", format, EXAMPLE]);
            // SARIF's `%SRCROOT%` is the working directory: the same report anywhere.
            let out = out.replace(&format!("file://{}/", common::root().display()), "file:///PROJECT/");
            let name = format!("check-{format}-{lang}");
            insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!(name, format!("{err}{out}"));
            });
            if format != "human" {
                break;
            }
        }
    }
}

#[test]
fn explain_shows_the_derivation_with_file_locations() {
    let (code, out, err) =
        plancheck(&["--lang", "en", "explain", "police.community_officer_share", "--subject", "120112-PS-SG", EXAMPLE]);
    assert_eq!(code, 0, "{err}");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("explain-police-share-en", out);
    });
    let (code, _, err) = plancheck(&["--lang", "en", "explain", "police.comunity_officer_share", EXAMPLE]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `police.community_officer_share`?"), "{err}");
    // A subject the rule has no verdict for: the nearest code of those it has.
    let (code, _, err) =
        plancheck(&["--lang", "en", "explain", "police.community_officer_share", "--subject", "120112-PS-GS", EXAMPLE]);
    assert_eq!(code, 2);
    assert!(err.contains("no verdict for `120112-PS-GS` (did you mean `120112-PS-SG`?)"), "{err}");
}

#[test]
fn a_report_of_one_district_describes_only_its_subjects_and_the_city() {
    let r = json(&["--only", "staffing.*", "--district", "120103", "examples/tianjin-2025"]);
    let subjects = r["subjects"].as_array().expect("subjects");
    assert!(subjects.iter().all(|s| s["path"][0] == "河西区" || s["code"] == "120000"), "{subjects:?}");
    let described: Vec<(&Value, &Value)> = subjects.iter().map(|s| (&s["level"], &s["code"])).collect();
    let verdicts = r["verdicts"].as_array().expect("verdicts");
    assert!(verdicts.iter().any(|v| v["subject"]["code"] == "120000"), "the city is still judged");
    for v in verdicts {
        assert!(described.contains(&(&v["subject"]["level"], &v["subject"]["code"])), "{v}");
    }
}

#[test]
fn one_thread_writes_the_same_report_as_every_core() {
    let args =
        |threads: &'static str| ["check", "--format", "json", "--only", "staffing.*", "--threads", threads, EXAMPLE];
    let (one, every) = (plancheck(&args("1")), plancheck(&args("3")));
    assert_eq!(one.0, 1, "{}", one.2);
    assert!(one.1 == every.1, "the report does not depend on the threads");
    assert_eq!(plancheck(&args("0")).0, 2, "no thread at all is a usage error");
}

#[test]
fn a_value_of_the_wrong_kind_is_named_in_the_readers_language() {
    let path = common::fresh_dir("wrong-kind").join("submission.json");
    std::fs::write(&path, "[1, 2]").expect("written");
    let path = path.to_str().expect("utf-8");
    let (code, _, zh) = plancheck(&["check", path]);
    assert_eq!(code, 2);
    assert!(zh.contains("实际为 列表") && !zh.contains("list"), "{zh}");
    let (_, _, en) = plancheck(&["--lang", "en", "check", path]);
    assert!(en.contains("found a list"), "{en}");
}

/// Two years of one district in one run: every verdict and every subject is named apart (the
/// year joins the code), and the human report groups each year on its own.
#[test]
fn submissions_of_two_years_give_verdicts_named_apart() {
    let text = std::fs::read_to_string(common::root().join(EXAMPLE)).expect("example");
    let earlier = common::fresh_dir("two-years").join("jinnan-2023.json");
    let moved = [("\"reporting_year\": 2024", "\"reporting_year\": 2023"), ("\"2024-", "\"2023-")];
    let text_2023 = moved.iter().fold(text.clone(), |t, (from, to)| t.replace(from, to));
    std::fs::write(&earlier, text_2023).expect("write");
    let earlier = earlier.to_string_lossy().into_owned();
    let (code, out, err) = plancheck(&["check", "--format", "json", EXAMPLE, &earlier]);
    assert_eq!(code, 1, "{err}");
    let report: Value = serde_json::from_str(&out).expect("JSON");
    let mut keys = std::collections::HashSet::new();
    for v in report["verdicts"].as_array().expect("verdicts") {
        let s = &v["subject"];
        let key = (v["rule"].to_string(), s["level"].to_string(), s["code"].to_string(), s["year"].to_string());
        assert!(s["year"].is_i64(), "{v}");
        assert!(keys.insert(key.clone()), "two verdicts keyed {key:?}");
    }
    let mut subjects = std::collections::HashSet::new();
    for s in report["subjects"].as_array().expect("subjects") {
        assert!(subjects.insert((s["level"].to_string(), s["code"].to_string(), s["year"].to_string())), "{s}");
    }
    let (_, human, _) = plancheck(&["check", EXAMPLE, &earlier]);
    assert!(human.contains("津南区（2023年度）") && human.contains("津南区（2024年度）"), "{human}");
    // One year alone: no year (the code names the subject).
    let (_, one, _) = plancheck(&["check", "--format", "json", EXAMPLE]);
    assert!(!one.contains("\"year\""), "no year in a report of one year");
}

/// A target not yet due says in JSON where its path starts and where it stands now, as its
/// explanation does in words: the baseline's value and date, and the earlier submission it is
/// taken from (a subject of `subjects`); none where there is no baseline (`behind`).
#[test]
fn a_target_not_yet_due_names_its_baseline_in_json() {
    let text = std::fs::read_to_string(common::root().join(EXAMPLE)).expect("example");
    let earlier = common::fresh_dir("baseline-json").join("jinnan-2023.json");
    let moved = [
        ("\"reporting_year\": 2024", "\"reporting_year\": 2023"),
        ("\"2024-", "\"2023-"),
        ("\"active_community_social_orgs\": 10,", "\"active_community_social_orgs\": 6,"),
    ];
    let text_2023 = moved.iter().fold(text.clone(), |t, (from, to)| t.replacen(from, to, usize::MAX));
    assert!(text.contains(moved[2].0));
    std::fs::write(&earlier, text_2023).expect("write");
    let earlier = earlier.to_string_lossy().into_owned();
    let rule = "social_org.urban_per_community";
    let (_, out, err) = plancheck(&["check", "--format", "json", "--only", rule, EXAMPLE, &earlier]);
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let verdicts = report["verdicts"].as_array().expect("verdicts");
    let of = |year: i64| {
        verdicts
            .iter()
            .find(|v| v["subject"]["code"] == "120112103004" && v["subject"]["year"] == year)
            .unwrap_or_else(|| panic!("仁和园社区 {year}"))
    };
    let now = of(2024);
    assert_eq!(now["status"], "on_track", "{now}");
    let progress = &now["progress"];
    let expected = progress["expected"].as_f64().expect("the value on the path today");
    assert!((9.0..9.01).contains(&expected), "{progress}");
    assert_eq!(
        progress["baseline"],
        serde_json::json!({"value": 6, "date": "2023-12-31",
            "subject": {"level": "community", "code": "120112103004", "year": 2023}}),
        "{progress}"
    );
    let before = of(2023);
    assert_eq!(before["status"], "behind", "{before}");
    assert_eq!(before["progress"], serde_json::json!({"expected": null, "baseline": null}), "{before}");
    for v in verdicts.iter().filter(|v| v["status"] != "on_track" && v["status"] != "behind") {
        assert!(v.get("progress").is_none(), "only a target not yet due and not met has a path: {v}");
    }
}

/// A parameter given for the run is said where the report begins: the JSON `params` and a line
/// of the human report (a verdict that reads it says so too: tests/cases).
#[test]
fn parameters_given_for_the_run_are_said() {
    let (_, out, _) = plancheck(&["check", "--format", "json", "--param", "grid_max=300", EXAMPLE]);
    let report: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(report["params"], serde_json::json!([{"name": "grid_max", "value": 300}]));
    let (_, human, _) = plancheck(&["--lang", "en", "check", "--param", "grid_max=300", EXAMPLE]);
    assert!(
        human.contains("Parameters given for this run (--param, instead of the rules' defaults): grid_max=300"),
        "{human}"
    );
    let (_, plain, _) = plancheck(&["check", "--format", "json", EXAMPLE]);
    assert!(!plain.contains("\"params\""), "no parameters given, none said");
}

/// With `--strict` a district's heading counts what is behind as failing too, and says so: it
/// is not the table's column of failures.
#[test]
fn a_strict_heading_says_what_it_counts() {
    let (code, out, _) = plancheck(&["check", "--strict", "--only", "police.mass_prevention_share", EXAMPLE]);
    assert_eq!(code, 1);
    assert!(
        out.contains("■ 津南区：1 条规则未通过，共 1 项判定未通过（--strict：进度落后和无法判断也计为未通过）"),
        "{out}"
    );
    let (_, plain, _) = plancheck(&["check", "--only", "police.mass_prevention_share", EXAMPLE]);
    assert!(!plain.contains("■"), "behind is no failure without --strict: {plain}");
}

/// An `unknown` for want of a parameter is placed at its subject's record, not at a value its
/// derivation reads (the reoffending count is there and decides nothing).
#[test]
fn an_unknown_for_want_of_a_parameter_points_at_its_subject() {
    let (_, out, _) =
        plancheck(&["check", "--format", "sarif", "--only", "safety.reoffending_below_national", EXAMPLE]);
    let sarif: Value = serde_json::from_str(&out).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let district = results.iter().find(|r| r["properties"]["subject"] == "120112").expect("the district's result");
    assert_eq!(district["properties"]["status"], "unknown");
    assert_eq!(district["locations"][0]["physicalLocation"]["region"]["startLine"], 8, "{district}");
}

/// An explanation says the same whichever traces the report writes (`--trace` only decides
/// whether `trace` is attached), and the HTML report explains a verdict in the words of the
/// JSON report: an explanation once named the rule instead of the value («…配置1名社区工作者为
/// 7人») and lost the values it rests on where no trace was kept.
#[test]
fn the_explanation_does_not_depend_on_which_traces_are_written() {
    let explanations = |report: &Value| -> Vec<(String, String, String)> {
        let verdicts = report["verdicts"].as_array().expect("verdicts");
        let explained = verdicts.iter().filter(|v| v["status"] != "pass");
        explained
            .map(|v| {
                let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
                (text("rule"), v["subject"]["code"].as_str().unwrap_or_default().to_string(), text("explanation"))
            })
            .collect()
    };
    for lang in ["zh", "en"] {
        let traced = explanations(&json(&["--lang", lang, EXAMPLE]));
        let untraced = explanations(&json(&["--lang", lang, "--trace", "none", EXAMPLE]));
        assert!(traced.len() > 10, "{traced:?}");
        for (a, b) in traced.iter().zip(&untraced) {
            assert_eq!(a, b, "--lang {lang}: the explanation changed with `--trace none`");
        }
        let (_, html, err) = plancheck(&["check", "--lang", lang, "--format", "html", EXAMPLE]);
        let escaped =
            |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        let shown = traced.iter().filter(|(_, _, e)| html.contains(&escaped(e))).count();
        let households = traced.iter().find(|(r, _, _)| r == "staffing.households_per_worker").expect("a verdict");
        assert!(html.contains(&escaped(&households.2)), "--lang {lang}: {}\n{err}", households.2);
        assert!(shown >= 10, "--lang {lang}: the HTML explains in the JSON's words ({shown})");
    }
}

/// A skipped case says its status in the report's language, as its explanation does.
#[test]
fn junit_says_a_skipped_status_in_the_report_language() {
    for (lang, said, not) in [("zh", "message=\"【进度落后】", "behind"), ("en", "message=\"[behind] ", "进度落后")]
    {
        let (_, out, _) = plancheck(&["--lang", lang, "check", "--format", "junit", EXAMPLE]);
        let skipped: Vec<&str> = out.lines().filter(|l| l.contains("<skipped ")).collect();
        assert!(skipped.iter().any(|l| l.contains(said)), "{lang}: {skipped:#?}");
        assert!(skipped.iter().all(|l| !l.contains(&format!("message=\"{not}"))), "{lang}: {skipped:#?}");
    }
}

/// A Markdown row says where its deciding value is written, as the JSON report's first blame
/// does: a reader of a pull-request comment can open the file at that line.
#[test]
fn markdown_rows_say_where_the_deciding_value_is() {
    let (_, md, _) = plancheck(&["check", "--format", "markdown", EXAMPLE]);
    let (_, json, _) = plancheck(&["check", "--format", "json", EXAMPLE]);
    let r: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let v = r["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .find(|v| v["rule"] == "facilities.urban_area_per_100_households" && v["status"] == "fail")
        .expect("a failure");
    let at = &v["blame"][0]["location"];
    let place = format!("`{}:{}:{}`", at["file"].as_str().unwrap_or(""), at["line"], at["column"]);
    let row = md.lines().find(|l| l.contains("`facilities.urban_area_per_100_households`")).expect("a row");
    assert!(row.contains(&place), "{place} in {row}");
    let header = md.lines().find(|l| l.starts_with("| 规则 |")).expect("a header");
    let columns = |l: &str| l.matches(" | ").count();
    assert!(md.lines().filter(|l| l.starts_with("| `")).all(|l| columns(l) == columns(header)), "{header}");
}

/// An inconsistency says what it compared — the total that differs, not only the values it
/// adds up — in JSON (`label`) and SARIF (the location's message) as on the terminal.
#[test]
fn an_inconsistency_shows_the_total_it_compared_in_every_format() {
    let text = std::fs::read_to_string(common::root().join(EXAMPLE)).expect("example");
    let changed = text.replacen("\"grid_households\": [320,", "\"grid_households\": [327,", 1);
    assert_ne!(changed, text);
    let path = common::fresh_dir("inconsistent-grids").join("s.json");
    std::fs::write(&path, changed).expect("written");
    let path = path.to_str().expect("utf-8");
    let said = "sum(grid_households: each) = 3157";
    let (code, json, _) = plancheck(&["check", "--format", "json", path]);
    assert_eq!(code, 2);
    let r: Value = serde_json::from_str(&json).expect("JSON");
    let d = r["diagnostics"].as_array().expect("diagnostics").iter().find(|d| d["code"] == "E1301").expect("E1301");
    assert!(d["label"].as_str().is_some_and(|l| l.starts_with(said) && l.ends_with("households = 3150")), "{d}");
    let (_, sarif, _) = plancheck(&["check", "--format", "sarif", path]);
    let s: Value = serde_json::from_str(&sarif).expect("SARIF");
    let result = &s["runs"][0]["results"][0];
    assert!(result["locations"][0]["message"]["text"].as_str().is_some_and(|t| t.starts_with(said)), "{result}");
    let (_, _, human) = plancheck(&["check", path]);
    assert!(human.contains(said), "{human}");
}

/// A file reached twice — named twice, or again through a link to its own directory — is
/// one submission, read once; a directory that links to itself is not walked for ever.
#[test]
fn a_file_reached_twice_is_read_once_and_link_cycles_end() {
    let dir = common::fresh_dir("link-cycles");
    std::fs::copy(common::root().join(EXAMPLE), dir.join("a.json")).expect("copied");
    for link in ["s1", "s2"] {
        std::os::unix::fs::symlink(".", dir.join(link)).expect("a link");
    }
    let (once, out_once, _) = plancheck(&["check", EXAMPLE]);
    let dir = dir.to_str().expect("utf-8").to_string();
    let a = format!("{dir}/a.json");
    for args in [vec!["check", &dir], vec!["check", &a, &a], vec!["check", &dir, &a]] {
        let (code, out, err) = plancheck(&args);
        assert_eq!(code, once, "{args:?}: {err}");
        assert!(!err.contains("E1302"), "{args:?}: {err}");
        assert_eq!(out.lines().count(), out_once.lines().count(), "{args:?}");
    }
}
