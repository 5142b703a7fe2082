//! Explanations you can trust: each verdict that is not a pass blames the submitted values that
//! decide it (not the first value read), says what would pass, shows numbers that never
//! contradict its status, and reads in English under `--lang en`. Every case changes the spec's
//! example submission in one place and checks what `check --format json` says about it.

mod common;

use common::{plancheck, root};
use serde_json::Value;

const EXAMPLE: &str = "tests/submissions/example-jinnan-2024.json";

/// The example submission with `change` applied, written to a file of its own.
fn variant(name: &str, change: impl FnOnce(&mut Value)) -> std::path::PathBuf {
    let text = std::fs::read_to_string(root().join(EXAMPLE)).expect("example");
    let mut doc: Value = serde_json::from_str(&text).expect("example is JSON");
    change(&mut doc);
    let dir = std::env::temp_dir().join(format!("plancheck-explain-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("submission.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).expect("JSON")).expect("written");
    path
}

fn report(args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (_, out, err) = plancheck(&all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"))
}

fn verdict<'r>(r: &'r Value, rule: &str, subject: &str) -> &'r Value {
    // A subject by code, or by name through the report's `subjects`.
    let subjects = r["subjects"].as_array().expect("subjects");
    let code = subjects
        .iter()
        .find(|s| s["code"] == subject || s["name"] == subject)
        .map_or(subject, |s| s["code"].as_str().unwrap_or(subject));
    r["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .find(|v| v["rule"] == rule && v["subject"]["code"] == code)
        .unwrap_or_else(|| panic!("no verdict for {rule} on {subject}"))
}

/// A community or village of the example, by name.
fn community<'d>(doc: &'d mut Value, name: &str) -> &'d mut Value {
    doc["district"]["streets"]
        .as_array_mut()
        .expect("streets")
        .iter_mut()
        .flat_map(|s| {
            let s = s.as_object_mut().expect("street");
            s.iter_mut()
                .filter(|(k, _)| *k == "communities" || *k == "villages")
                .flat_map(|(_, list)| list.as_array_mut().into_iter().flatten())
        })
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no unit {name}"))
}

fn line_of(path: &std::path::Path, needle: &str) -> u64 {
    let text = std::fs::read_to_string(path).expect("readable");
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in the file"));
    text[..at].matches('\n').count() as u64 + 1
}

#[test]
fn a_conjunction_blames_only_the_conditions_that_fail() {
    // 仁和园社区: secretary-chair true, one deputy secretary, one deputy chair of two.
    let r = report(&[EXAMPLE]);
    let v = verdict(&r, "staffing.four_plus_n_core", "仁和园社区");
    assert_eq!(v["status"], "fail");
    let blamed: Vec<&str> =
        v["blame"].as_array().expect("blame").iter().map(|b| b["input"].as_str().unwrap_or("")).collect();
    assert_eq!(blamed, ["full_time_deputy_directors"], "{v}");
    let to_pass = &v["to_pass"][0];
    assert_eq!(
        (to_pass["input"].as_str(), to_pass["from"].as_i64(), to_pass["to"].as_i64()),
        (Some("full_time_deputy_directors"), Some(1), Some(2))
    );
    assert!(v["explanation"].as_str().unwrap_or("").contains("至少需2人（现有1人，差1人）"), "{v}");
}

#[test]
fn a_share_of_officers_says_how_many_would_pass() {
    let path = variant("police", |doc| {
        let ps = &mut doc["district"]["police_stations"][0];
        ps["officers_total"] = 11.into();
        ps["community_officers"] = 4.into();
        ps["police_areas"][0]["full_time_community_officers"] = 1.into();
    });
    let r = report(&["--as-of", "2025-12-31", path.to_str().expect("utf-8")]);
    let v = verdict(&r, "police.community_officer_share", "120112-PS-SG");
    assert_eq!(v["status"], "fail");
    let to_pass = &v["to_pass"][0];
    assert_eq!(to_pass["input"], "community_officers", "{v}");
    assert_eq!((to_pass["from"].as_i64(), to_pass["to"].as_i64()), (Some(4), Some(5)), "{v}");
    // The denominator is how things are, not a remedy.
    assert!(v["to_pass"].as_array().expect("to_pass").iter().all(|t| t["input"] != "officers_total"), "{v}");
    assert_eq!(v["blame"][0]["input"], "community_officers");
    assert_eq!(v["blame"][0]["location"]["line"].as_u64(), Some(line_of(&path, "\"community_officers\": 4")));
}

#[test]
fn a_coverage_blames_the_unit_that_falls_short_at_its_line() {
    let path = variant("legal", |doc| community(doc, "宋庄子村")["legal_advisors"] = 0.into());
    let r = report(&["--as-of", "2025-12-31", path.to_str().expect("utf-8")]);
    let v = verdict(&r, "legal.advisor_per_community", "120112");
    assert_eq!(v["status"], "fail", "{v}");
    let blame = v["blame"].as_array().expect("blame");
    assert_eq!(blame.len(), 1, "only the village without an advisor: {v}");
    assert_eq!(blame[0]["unit"], "宋庄子村");
    assert_eq!(blame[0]["input"], "legal_advisors");
    assert_eq!(blame[0]["location"]["line"].as_u64(), Some(line_of(&path, "\"legal_advisors\": 0")), "{v}");
    assert_eq!(v["to_pass"][0]["input"], "count(community, village)", "{v}");
}

#[test]
fn a_ratio_over_units_blames_the_units_short_largest_shortfall_first() {
    let path = variant("ratio", |doc| {
        // 仁和园社区 1 of 9 (8 short), 鑫港园社区 17 of 18 (1 short).
        community(doc, "仁和园社区")["resident_unit_party_orgs_reported"] = 1.into();
        community(doc, "鑫港园社区")["resident_unit_party_orgs_reported"] = 17.into();
    });
    let r = report(&[path.to_str().expect("utf-8")]);
    let v = verdict(&r, "party.double_reporting_orgs", "120112");
    let units: Vec<&str> =
        v["blame"].as_array().expect("blame").iter().map(|b| b["unit"].as_str().unwrap_or("")).collect();
    assert_eq!(units, ["仁和园社区", "鑫港园社区"], "the larger shortfall first: {v}");
    let explanation = v["explanation"].as_str().unwrap_or_default();
    assert!(explanation.contains("驻区单位党组织数合计 30个"), "each sum with its unit: {explanation}");
    assert!(!units.contains(&""), "every blamed value is a unit's: {v}");
}

#[test]
fn a_unit_short_through_a_list_of_monthly_figures_is_blamed_at_its_list() {
    // 仁和园社区 visited 419 of 420 person-months: one month of its list is short.
    let r = report(&[EXAMPLE]);
    let v = verdict(&r, "elderly.monthly_visit_rate", "120112");
    assert_eq!(v["status"], "fail");
    let blame = v["blame"].as_array().expect("blame");
    assert_eq!(blame.len(), 1, "{v}");
    assert_eq!(blame[0]["unit"], "仁和园社区");
    assert_eq!((blame[0]["own"].as_i64(), blame[0]["of"].as_i64()), (Some(419), Some(420)));
    let path = root().join(EXAMPLE);
    let text = std::fs::read_to_string(&path).expect("readable");
    let unit = text.find("仁和园社区").expect("community");
    let at = unit + text[unit..].find("special_difficulty_elderly_visited_monthly").expect("the list");
    assert_eq!(blame[0]["location"]["line"].as_u64(), Some(text[..at].matches('\n').count() as u64 + 1), "{v}");
    let to_pass = &v["to_pass"][0];
    assert_eq!((to_pass["from"].as_i64(), to_pass["to"].as_i64()), (Some(1319), Some(1320)), "{v}");
}

#[test]
fn numbers_never_contradict_the_status() {
    let path = variant("instructors", |doc| {
        doc["district"]["resident_population"] = 5_000_000.into();
        doc["district"]["social_sports_instructors"] = 13_499.into();
    });
    let r = report(&[path.to_str().expect("utf-8")]);
    let v = verdict(&r, "sports.instructors_per_1000", "120112");
    assert_eq!(v["status"], "fail");
    let text = v["explanation"].as_str().unwrap_or("");
    assert!(text.contains("2.6998"), "{text}");
    assert!(!text.contains("为2.7人/千人"), "{text}");
}

#[test]
fn a_number_that_is_not_whole_is_never_shown_whole() {
    // 57,999.9 m² of 100,000 m² is 57.9999%: short of 60% either way, but not 58%.
    let path = variant("not-whole", |doc| {
        community(doc, "仁和园社区")["facility_total_area_m2"] = 100_000.into();
        community(doc, "仁和园社区")["resident_activity_area_m2"] = serde_json::json!(57_999.9);
    });
    let r = report(&[path.to_str().expect("utf-8")]);
    let text = verdict(&r, "facilities.activity_area_share", "仁和园社区")["explanation"].as_str().unwrap_or("");
    assert!(text.contains("57.9999%"), "{text}");
    assert!(!text.contains("58%"), "{text}");
}

/// What would pass is the smallest value at the precision the value is submitted in: 713.999 m²
/// short of 714 m² needs 714 (short by 0.001), not 714.009 — a step of the field's usual
/// precision (0.01) added to a finer value overshoots the threshold, and the difference said
/// was false too.
#[test]
fn what_would_pass_is_not_overshot_by_a_value_finer_than_its_step() {
    let path = variant("finer-than-step", |doc| {
        community(doc, "仁和园社区")["households"] = 2380.into();
        community(doc, "仁和园社区")["facility_total_area_m2"] = serde_json::json!(713.999);
        community(doc, "仁和园社区")["resident_activity_area_m2"] = 400.into();
    });
    let r = report(&[path.to_str().expect("utf-8")]);
    let v = verdict(&r, "facilities.urban_area_per_100_households", "仁和园社区");
    let change = v["to_pass"].as_array().into_iter().flatten().find(|t| t["input"] == "facility_total_area_m2");
    let change = change.unwrap_or_else(|| panic!("{v}"));
    assert_eq!((change["from"].as_f64(), change["to"].as_f64()), (Some(713.999), Some(714.0)), "{v}");
    let text = v["explanation"].as_str().unwrap_or_default();
    assert!(text.contains("714m²") && text.contains("0.001m²"), "{text}");
}

/// A threshold taken from a submitted record (the national reoffending rate, in the city
/// record) is one of the values a verdict rests on: blamed at its place, and named in the
/// explanation, so that a reader can check where 3.5% came from.
#[test]
fn a_threshold_taken_from_a_submission_is_named_with_its_place() {
    let path = variant("threshold-submitted", |doc| {
        doc["district"]["released_persons_cohort"] = 1000.into();
        doc["district"]["cohort_reoffended"] = 40.into();
    });
    let city = root().join("tests/submissions/example-city-record-2024.json");
    let r = report(&[
        "--only",
        "safety.reoffending_below_national",
        path.to_str().expect("utf-8"),
        city.to_str().expect("utf-8"),
    ]);
    let v = verdict(&r, "safety.reoffending_below_national", "120112");
    assert_eq!(v["status"], "fail", "{v}");
    let blamed =
        v["blame"].as_array().into_iter().flatten().find(|b| b["input"] == "national_average_reoffending_rate");
    let blamed = blamed.unwrap_or_else(|| panic!("the national rate is not blamed: {v}"));
    assert_eq!((blamed["role"].as_str(), blamed["value"].as_f64()), (Some("threshold"), Some(3.5)), "{v}");
    assert_eq!(blamed["location"]["line"], 15, "{v}");
    let text = v["explanation"].as_str().unwrap_or_default();
    assert!(text.contains("3.5%"), "{text}");
}

/// A subject the rule's condition rules out is told the condition it does not meet, not only
/// its values: «户数（常住户） 475户» says nothing without «不低于500户».
#[test]
fn a_subject_ruled_out_is_told_the_condition_it_does_not_meet() {
    let path = variant("ruled-out", |doc| {
        community(doc, "仁和园社区")["households"] = 475.into();
        community(doc, "仁和园社区")["grid_households"] = serde_json::json!([475]);
    });
    for (lang, said) in [
        ("zh", "适用条件：户数（常住户）不低于500户。"),
        ("en", "It applies where households is at least 500 households."),
    ] {
        let r = report(&["--lang", lang, path.to_str().expect("utf-8")]);
        let v = verdict(&r, "social_org.urban_per_community", "仁和园社区");
        assert_eq!(v["status"], "not_applicable", "{v}");
        let text = v["explanation"].as_str().unwrap_or_default();
        assert!(text.contains(said) && text.contains("475"), "{text}");
    }
    // A yes/no condition is said as the answer it needs.
    let r = report(&[EXAMPLE]);
    let v = verdict(&r, "public_service.weak_villages", "120112103201");
    let text = v["explanation"].as_str().unwrap_or_default();
    assert!(text.contains("适用条件：是否经济薄弱村为是。"), "{text}");
}

#[test]
fn machine_numbers_never_contradict_the_status_either() {
    // 2.69998 per thousand against 2.7 and 99.99996 % against 100 %: four decimals would put
    // both on their threshold.
    let path = variant("near-thresholds", |doc| {
        doc["district"]["resident_population"] = 50_000_000.into();
        doc["district"]["social_sports_instructors"] = 134_999.into();
        // With 8 of 9 and 3 of 3 elsewhere: 30,000,001 of 30,000,012.
        community(doc, "鑫港园社区")["resident_unit_party_orgs"] = 30_000_000.into();
        community(doc, "鑫港园社区")["resident_unit_party_orgs_reported"] = 29_999_990.into();
    });
    let r = report(&[path.to_str().expect("utf-8")]);
    for (rule, shown, unit) in
        [("sports.instructors_per_1000", 2.69998, "人/千人"), ("party.double_reporting_orgs", 99.99996, "%")]
    {
        let v = verdict(&r, rule, "120112");
        assert_ne!(v["status"], "pass", "{v}");
        let actual = v["actual"].as_f64().unwrap_or_default();
        assert!((actual - shown).abs() < 1e-9, "{rule}: {v}");
        assert_eq!(v["trace"]["value"], v["actual"], "{rule}: the derivation's value is the one compared: {v}");
        let (_, tree, _) = plancheck(&["explain", rule, "--subject", "120112", path.to_str().expect("utf-8")]);
        assert!(tree.contains(&format!(" = {shown}{unit}\n")), "{rule}: {tree}");
    }
    // Below a threshold, a ratio that is not whole is not shown whole either.
    let v = verdict(&r, "party.double_reporting_orgs", "120112");
    assert_eq!(v["trace"]["inputs"][0]["value"].as_f64(), Some(0.9999996), "{v}");
}

#[test]
fn passes_carry_no_trace_by_default_and_failures_do() {
    let r = report(&[EXAMPLE]);
    let verdicts = r["verdicts"].as_array().expect("verdicts");
    assert!(
        verdicts.iter().filter(|v| v["status"] == "pass").all(|v| v.get("trace").is_none() && v.get("blame").is_none())
    );
    assert!(
        verdicts.iter().filter(|v| v["status"] == "fail").all(|v| v.get("trace").is_some() && v.get("blame").is_some())
    );
    let all = report(&["--trace", "all", EXAMPLE]);
    let passes = all["verdicts"].as_array().expect("verdicts").iter().filter(|v| v["status"] == "pass");
    assert!(passes.clone().count() > 0 && passes.into_iter().all(|v| v.get("trace").is_some()));
    let none = report(&["--trace", "none", EXAMPLE]);
    assert!(none["verdicts"].as_array().expect("verdicts").iter().all(|v| v.get("trace").is_none()));
}

#[test]
fn unknown_blames_the_missing_field_at_its_record() {
    let path = variant("unknown", |doc| {
        let district = &mut doc["district"];
        district["regular_exercise_survey_respondents"] = 0.into();
        district["regular_exercise_survey_regular"] = 0.into();
        district["regular_exercise_share_published"] = Value::Null;
    });
    let r = report(&[path.to_str().expect("utf-8")]);
    let v = verdict(&r, "sports.regular_exercise_share", "120112");
    assert_eq!(v["status"], "unknown", "{v}");
    assert_eq!(v["blame"][0]["input"], "regular_exercise_share_published");
    assert_eq!(v["blame"][0]["role"], "null");
    let line = line_of(&path, "\"regular_exercise_share_published\": null");
    assert_eq!(v["blame"][0]["location"]["line"].as_u64(), Some(line), "{v}");
}

/// Chinese characters outside the names of places and records and the plan's own words.
fn chinese_outside_names(text: &str, allowed: &[String]) -> Vec<String> {
    let mut rest = text.to_string();
    for a in allowed {
        rest = rest.replace(a.as_str(), " ");
    }
    let mut found = Vec::new();
    let mut run = String::new();
    for c in rest.chars() {
        if ('\u{4e00}'..='\u{9fff}').contains(&c)
            || ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
        {
            run.push(c);
        } else if !run.is_empty() {
            found.push(std::mem::take(&mut run));
        }
    }
    found.extend((!run.is_empty()).then_some(run));
    found
}

#[test]
fn english_reports_are_english_but_for_names_and_plan_quotes() {
    let r = report(&["--lang", "en", EXAMPLE]);
    // Names: of subjects and their paths, and of the records blamed; plan quotes.
    let mut allowed: Vec<String> = Vec::new();
    for s in r["subjects"].as_array().expect("subjects") {
        for p in s["path"].as_array().into_iter().flatten() {
            allowed.push(p.as_str().unwrap_or("").to_string());
        }
        allowed.push(s["name"].as_str().unwrap_or("").to_string());
    }
    for rule in r["rules"].as_array().expect("rules") {
        for source in rule["sources"].as_array().into_iter().flatten() {
            allowed.push(source["quote"].as_str().unwrap_or("").to_string());
        }
    }
    for v in r["verdicts"].as_array().expect("verdicts") {
        for b in v["blame"].as_array().into_iter().flatten() {
            for key in ["unit", "record"] {
                allowed.push(b[key].as_str().unwrap_or("").to_string());
            }
        }
    }
    // The districts the city is made of are names too (a city lacking some lists them).
    let set = common::check_files(&common::shipped_rule_files());
    allowed.extend(set.checked.model.plan.iter().flat_map(|p| &p.members).map(|m| m.name.clone()));
    allowed.retain(|a| !a.is_empty());
    allowed.sort_by_key(|a| std::cmp::Reverse(a.len()));
    for rule in r["rules"].as_array().expect("rules") {
        let mut shown = vec![rule["title"].as_str().unwrap_or("").to_string()];
        shown
            .extend(rule["departments"].as_array().into_iter().flatten().map(|d| d.as_str().unwrap_or("").to_string()));
        // Sections are the plan's headings, in the English the plan header gives them.
        shown.extend(
            rule["sources"].as_array().into_iter().flatten().map(|s| s["section"].as_str().unwrap_or("").to_string()),
        );
        for text in shown {
            let chinese = chinese_outside_names(&text, &allowed);
            assert!(chinese.is_empty(), "Chinese {chinese:?} in English output: {text}");
        }
    }
    for v in r["verdicts"].as_array().expect("verdicts") {
        let mut shown = vec![v["explanation"].as_str().unwrap_or("").to_string()];
        for b in v["blame"].as_array().into_iter().flatten() {
            shown.push(b["title"].as_str().unwrap_or("").to_string());
        }
        for t in v["to_pass"].as_array().into_iter().flatten() {
            shown.push(t["title"].as_str().unwrap_or("").to_string());
        }
        for text in shown {
            let chinese = chinese_outside_names(&text, &allowed);
            assert!(chinese.is_empty(), "Chinese {chinese:?} in English output: {text}");
        }
    }
    // The other formats, whole: the same names and quotes, nothing else in Chinese — but for
    // SARIF's requirements, quoted as the rules write them (code, with the units they declare).
    let requirements: Vec<String> = set.checked.model.rules.iter().map(|r| format!("`{}`", r.require_text)).collect();
    for format in ["markdown", "sarif", "junit"] {
        let (_, mut out, _) = plancheck(&["--lang", "en", "check", "--format", format, EXAMPLE]);
        if format == "sarif" {
            let sarif: serde_json::Value = serde_json::from_str(&out).expect("SARIF");
            for rule in sarif["runs"][0]["tool"]["driver"]["rules"].as_array().into_iter().flatten() {
                let requirement = rule["properties"]["requirement"].as_str().unwrap_or_default();
                assert!(requirements.iter().any(|r| *r == format!("`{requirement}`")), "{rule}");
            }
            for r in &requirements {
                out = out.replace(&r[1..r.len() - 1], "");
            }
        }
        let chinese = chinese_outside_names(&out, &allowed);
        assert!(chinese.is_empty(), "Chinese {chinese:?} in English {format}");
    }
    // `explain`, with its requirement and derivation: numbers with units in English too.
    for rule in ["sports.instructors_per_1000", "party.double_reporting_orgs", "elderly.monthly_visit_rate"] {
        let (_, out, err) = plancheck(&["--lang", "en", "explain", rule, "--subject", "120112", EXAMPLE]);
        let chinese = chinese_outside_names(&out, &allowed);
        assert!(chinese.is_empty(), "Chinese {chinese:?} in English explain {rule}: {out}{err}");
    }
}

mod never_panics {
    //! Judging and explaining, with every number of a submission replaced by extreme values:
    //! an overflow is an `unknown` verdict, never a panic, in any language.

    use super::*;
    use plancheck::data::{self, Format, Options};
    use plancheck::diagnostics::Lang;
    use plancheck::eval::verdict::{Judge, JudgeOptions};
    use plancheck::load::RuleSet;
    use plancheck::report::Viewer;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    static RULES: LazyLock<RuleSet> = LazyLock::new(|| common::check_files(&common::shipped_rule_files()));

    const EXTREMES: [&str; 7] = [
        "0",
        "1",
        "79228162514264337593543950335",
        "39614081257132168796771975167",
        "0.0000000000000000000000000001",
        "7922816251426433759354395033.5",
        "12345.678",
    ];

    /// Replaces the numbers of a JSON value, in document order, by extremes picked in turn.
    fn replace(v: &mut Value, picks: &[usize], next: &mut usize) {
        match v {
            Value::Number(_) => {
                let pick = picks[*next % picks.len()];
                *next += 1;
                if pick < EXTREMES.len() {
                    *v = serde_json::from_str(EXTREMES[pick]).unwrap_or(Value::Null);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| replace(i, picks, next)),
            Value::Object(map) => {
                map.iter_mut().filter(|(k, _)| *k != "reporting_year").for_each(|(_, i)| replace(i, picks, next))
            }
            _ => {}
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn judging_and_explaining_extreme_values(picks in proptest::collection::vec(0usize..14, 1..40)) {
            let set = &*RULES;
            let base = std::fs::read_to_string(root().join(EXAMPLE)).expect("example");
            let mut doc: Value = serde_json::from_str(&base).expect("JSON");
            replace(&mut doc, &picks, &mut 0);
            let text = serde_json::to_string_pretty(&doc).expect("JSON");
            let mut sources = set.sources.clone();
            let loaded = data::load_text("extreme.json", &text, Format::Json, &set.checked, &Options::default(), &mut sources);
            let model = &set.checked.model;
            let options = JudgeOptions { trace: true, ..JudgeOptions::default() };
            for lang in [Lang::Zh, Lang::En] {
                let viewer = Viewer::new(model, &loaded.dataset, &sources, lang);
                let mut unexplained = Vec::new();
                Judge::new(model, &loaded.dataset, &options).each(true, |v| {
                    let view = viewer.view(&v);
                    if v.status != plancheck::check::model::Status::Pass && view.explanation.is_empty() {
                        unexplained.push(view.rule);
                    }
                });
                prop_assert!(unexplained.is_empty(), "{unexplained:?}");
            }
        }
    }
}

/// Every node of a trace, the root first.
fn nodes(trace: &Value) -> Vec<&Value> {
    let mut all = vec![trace];
    for input in trace["inputs"].as_array().into_iter().flatten() {
        all.extend(nodes(input));
    }
    all
}

#[test]
fn a_test_over_a_list_traces_its_items_and_every_other_value_once() {
    // A grid of 仁和园社区 covers 420 households, above the 400 allowed.
    let r = report(&[EXAMPLE]);
    let v = verdict(&r, "grid.households_per_grid", "仁和园社区");
    assert_eq!(v["status"], "fail", "{v}");
    let trace = &v["trace"];
    let items: Vec<&Value> = nodes(trace).into_iter().filter(|n| n["label"] == "community.grid_households").collect();
    let values: Vec<i64> = items.iter().filter_map(|n| n["value"].as_i64()).collect();
    assert_eq!(values, [420, 390, 410, 380, 390, 390], "every item of the list, with its value: {trace}");
    let line = line_of(&root().join(EXAMPLE), "\"grid_households\": [420");
    assert!(items.iter().all(|n| n["location"]["line"].as_u64() == Some(line)), "each item at its place: {trace}");
    // Each month's visits are compared with the same number of elderly people: one input.
    let monthly = &verdict(&r, "elderly.monthly_visit_rate", "仁和园社区")["trace"];
    for trace in [trace, monthly] {
        for node in nodes(trace) {
            let leaves: Vec<String> = node["inputs"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|i| i.get("inputs").is_none())
                .map(|i| format!("{} {} {}", i["label"], i["value"], i["location"]))
                .collect();
            let mut distinct = leaves.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), leaves.len(), "a value once among the inputs of a node: {node}");
        }
    }
    let threshold = nodes(monthly).into_iter().filter(|n| n["label"] == "community.special_difficulty_elderly").count();
    assert_eq!(threshold, 1, "{monthly}");
    // The share of units with every service on mobile reads two values of each unit, the first
    // one twice (filter, then test): the values left out are counted once each.
    let units = std::fs::read_to_string(root().join(EXAMPLE))
        .expect("example")
        .matches("\"gov_service_items_eligible\"")
        .count();
    let share = &verdict(&r, "digital.mobile_gov_services", "120112")["trace"]["inputs"][0];
    let shown = share["inputs"].as_array().map_or(0, Vec::len);
    assert_eq!(shown + share["omitted_inputs"].as_u64().unwrap_or(0) as usize, 2 * units, "{share}");
}

#[test]
fn an_item_of_a_list_that_fails_says_what_would_pass() {
    let r = report(&[EXAMPLE]);
    // Each grid above 400 households comes down to 400: the test is a range, 200 to 400.
    let grid = verdict(&r, "grid.households_per_grid", "仁和园社区");
    let changes: Vec<(i64, i64)> = grid["to_pass"]
        .as_array()
        .expect("to_pass")
        .iter()
        .map(|t| (t["from"].as_i64().unwrap_or(-1), t["to"].as_i64().unwrap_or(-1)))
        .collect();
    assert_eq!(changes, [(420, 400), (410, 400)], "{grid}");
    assert!(
        grid["to_pass"].as_array().into_iter().flatten().all(|t| t["input"] == "grid_households" && t["unit"] == "户")
    );
    let explanation = grid["explanation"].as_str().unwrap_or_default();
    assert!(explanation.contains("至多400户（现有420户"), "{grid}");
    assert!(explanation.contains("（现有410户"), "each item with its unit: {grid}");
    // The month with 34 visits of 35 people needs one more.
    let monthly = verdict(&r, "elderly.monthly_visit_rate", "仁和园社区");
    assert_eq!(
        (monthly["to_pass"][0]["from"].as_i64(), monthly["to_pass"][0]["to"].as_i64()),
        (Some(34), Some(35)),
        "{monthly}"
    );
    // Each item is named by its place in the list: which grid, which month.
    let said = monthly["explanation"].as_str().unwrap_or_default();
    assert!(said.contains("（按月，期内每月一项）第6项至少需35人"), "{said}");
    assert!(explanation.contains("第1项至多400户") && explanation.contains("第3项至多400户"), "{explanation}");
    let en = report(&["--lang", "en", EXAMPLE]);
    let said = verdict(&en, "elderly.monthly_visit_rate", "仁和园社区")["explanation"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(said.contains("(item 6)"), "{said}");
}

#[test]
fn units_of_one_name_are_told_apart() {
    // Two communities named 仁和园社区, in 双港镇 and in 双新街道, both without 5G.
    let path = variant("namesake", |doc| {
        community(doc, "双新示例社区（虚构）")["name"] = "仁和园社区".into();
        for street in doc["district"]["streets"].as_array_mut().expect("streets") {
            for c in street["communities"].as_array_mut().into_iter().flatten() {
                if c["name"] == "仁和园社区" {
                    c["has_5g_coverage"] = false.into();
                }
            }
        }
    });
    for (lang, within) in [
        ("zh", ["仁和园社区（双港镇） 是否5G网络覆盖 否", "仁和园社区（双新街道） 是否5G网络覆盖 否"]),
        ("en", ["仁和园社区 (双港镇)", "仁和园社区 (双新街道)"]),
    ] {
        let r = report(&["--lang", lang, path.to_str().expect("utf-8")]);
        let v = verdict(&r, "digital.urban_5g_coverage", "120112");
        assert_ne!(v["status"], "pass", "{v}");
        let units: Vec<&str> =
            v["blame"].as_array().expect("blame").iter().map(|b| b["unit"].as_str().unwrap_or("")).collect();
        assert_eq!(units.len(), 2, "{v}");
        assert_ne!(units[0], units[1], "each unit named so that it can be told from the other: {v}");
        let explanation = v["explanation"].as_str().unwrap_or_default();
        for unit in within {
            assert_eq!(explanation.matches(unit).count(), 1, "{unit} once: {explanation}");
        }
    }
}

#[test]
fn a_value_that_what_would_pass_names_is_not_listed_twice() {
    for (lang, decided, present) in
        [("zh", "起决定作用的值", "（现有1人，差1人）"), ("en", "Decided by", "(now 1 person, 1 person short)")]
    {
        let r = report(&["--lang", lang, EXAMPLE]);
        // One deciding value, and the change that passes says it with its present value.
        let one = verdict(&r, "staffing.four_plus_n_core", "仁和园社区");
        let text = one["explanation"].as_str().unwrap_or_default();
        assert!(!text.contains(decided), "{text}");
        assert!(text.contains(present), "{text}");
        assert_eq!(one["blame"][0]["input"], "full_time_deputy_directors", "the blame keeps it: {one}");
        // A share: what would pass changes the part, so both numbers it is made of are listed.
        let share = verdict(&r, "facilities.activity_area_share", "仁和园社区");
        let text = share["explanation"].as_str().unwrap_or_default();
        assert_eq!(text.matches(decided).count(), 1, "{text}");
        assert!(text.contains("690"), "{text}");
    }
}

#[test]
fn an_enum_word_is_shown_by_its_name_for_people() {
    // `facility_operation_mode: enum { self "自主", … }`: 何庄子村 runs its facility itself.
    let zh = report(&[EXAMPLE]);
    let v = verdict(&zh, "facilities.operation_mechanism", "何庄子村");
    let text = v["explanation"].as_str().unwrap_or_default();
    assert!(text.contains("设施运营方式为自主，而要求不等于自主"), "{text}");
    assert!(!text.contains("self"), "{text}");
    assert_eq!(v["blame"][0]["value"], "self", "machines get the word as submitted: {v}");
    let en = report(&["--lang", "en", EXAMPLE]);
    let text = verdict(&en, "facilities.operation_mechanism", "何庄子村")["explanation"].as_str().unwrap_or_default();
    assert!(text.contains(" is self,"), "English shows the word: {text}");
}

#[test]
fn english_names_units_in_the_middle_of_a_sentence_in_lower_case() {
    let path = variant("legal-en", |doc| community(doc, "宋庄子村")["legal_advisors"] = 0.into());
    let r = report(&["--lang", "en", "--as-of", "2025-12-31", path.to_str().expect("utf-8")]);
    let v = verdict(&r, "legal.advisor_per_community", "120112");
    let text = v["explanation"].as_str().unwrap_or_default();
    assert!(text.contains("1 more of the urban communities, villages must comply"), "{text}");
}

#[test]
fn a_pass_names_the_values_it_rests_on_with_their_units() {
    for (lang, said) in [
        ("zh", "起决定作用的值：城镇常住人口 15900人。"),
        ("en", "Decided by: urban resident population 15900 persons."),
    ] {
        let r = report(&["--lang", lang, "--trace", "all", EXAMPLE]);
        let v = verdict(&r, "staffing.workers_per_10k_urban", "120112");
        assert_eq!(v["status"], "pass", "{v}");
        let text = v["explanation"].as_str().unwrap_or_default();
        assert!(text.ends_with(said), "{text}");
    }
}

#[test]
fn a_change_that_would_pass_says_where_its_value_is_where_its_field_does_not() {
    let r = report(&[EXAMPLE]);
    // Two units without a volunteer station: each change names its unit and the value's place,
    // the place its blame gives.
    let v = verdict(&r, "volunteer.station_coverage", "120112");
    let changes: Vec<&Value> =
        v["to_pass"].as_array().expect("to_pass").iter().filter(|t| t["input"] == "has_volunteer_station").collect();
    assert_eq!(changes.len(), 2, "{v}");
    for (change, unit) in changes.iter().zip(["仁和园社区", "宋庄子村"]) {
        assert_eq!(change["record"], unit, "{change}");
        let blamed = v["blame"].as_array().expect("blame").iter().find(|b| b["unit"] == unit).expect("blamed");
        assert_eq!(change["location"], blamed["location"], "{change}");
    }
    // Two items of one list: each at its own place in the list.
    let v = verdict(&r, "grid.households_per_grid", "120112103004");
    let places: Vec<&Value> = v["to_pass"].as_array().expect("to_pass").iter().map(|t| &t["location"]).collect();
    assert_eq!(places.len(), 2, "{v}");
    assert!(places.iter().all(|p| p["line"].is_u64()), "{v}");
    assert_ne!(places[0], places[1], "{v}");
    // The subject's own value is named by its field (placed in the blame), a count of units has
    // no one place.
    let own = verdict(&r, "staffing.four_plus_n_core", "仁和园社区");
    assert!(own["to_pass"][0].get("record").is_none() && own["to_pass"][0].get("location").is_none(), "{own}");
    assert!(v["to_pass"][0].get("record").is_none(), "{v}");
    let whole = verdict(&r, "volunteer.station_coverage", "120112");
    assert!(whole["to_pass"][0].get("location").is_none(), "{whole}");
}

#[test]
fn a_rule_judged_at_several_levels_lists_each_levels_requirement_once() {
    let r = report(&[EXAMPLE]);
    let rule = r["rules"].as_array().expect("rules").iter().find(|x| x["id"] == "legal.advisor_per_community");
    let rule = rule.expect("the rule");
    assert_eq!((&rule["requirement"], &rule["unit"]), (&">= 100".into(), &"%".into()), "{rule}");
    // A district's coverage, and a community's own count.
    let levels: Vec<(&str, &str, &str)> = rule["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .map(|l| {
            (
                l["level"].as_str().unwrap_or(""),
                l["requirement"].as_str().unwrap_or(""),
                l["unit"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(levels.contains(&("district", ">= 100", "%")) && levels.contains(&("community", ">= 1", "人")), "{rule}");
    // Verdicts do not repeat what the rule lists; one computed from the data says its own.
    let community = verdict(&r, "legal.advisor_per_community", "仁和园社区");
    assert!(community.get("requirement").is_none(), "{community}");
    let single = r["rules"].as_array().expect("rules").iter().find(|x| x["id"] == "staffing.households_per_worker");
    assert!(single.expect("the rule").get("levels").is_none());
    for v in
        r["verdicts"].as_array().expect("verdicts").iter().filter(|v| v["rule"] == "staffing.households_per_worker")
    {
        if v["subject"]["level"] == "community" {
            assert!(v["requirement"].as_str().is_some_and(|t| t.starts_with(">= ")), "{v}");
        }
    }
}

#[test]
fn a_subject_ruled_out_by_what_it_lacks_says_so() {
    // 和平区 has no villages: the village 5G coverage does not apply, and there is no submitted
    // value to blame; the count its condition reads says why, and the trace is that condition.
    let r =
        report(&["--lang", "en", "--only", "digital.village_5g_coverage", "examples/tianjin-2025/120101-和平区.yaml"]);
    let v = verdict(&r, "digital.village_5g_coverage", "120101");
    assert_eq!(v["status"], "not_applicable");
    let explanation = v["explanation"].as_str().unwrap_or_default();
    assert!(explanation.contains("Decided by: number of villages 0"), "{explanation}");
    assert_eq!(v["trace"]["title"], "the condition of application", "{v}");
    assert_eq!(v["trace"]["value"], false, "{v}");
}

#[test]
fn a_word_that_is_not_allowed_names_the_words_that_are() {
    // 何庄子村 runs its facility itself (`self`); the rule wants any other way.
    let r = report(&["--only", "facilities.operation_mechanism", EXAMPLE]);
    let v = verdict(&r, "facilities.operation_mechanism", "120112103201");
    assert_eq!(v["status"], "fail");
    let explanation = v["explanation"].as_str().unwrap_or_default();
    assert!(explanation.contains("设施运营方式为自主，而要求不等于自主"), "{explanation}");
    assert!(explanation.contains("应为居民协商管理、轮值轮管、委托社会组织或其他（现为自主）"), "{explanation}");
    let change = &v["to_pass"][0];
    assert_eq!(change["from"], "self");
    assert_eq!(change["one_of"], serde_json::json!(["resident_council", "rotation", "entrusted_social_org", "other"]));
}

#[test]
fn english_names_of_identifiers_read_as_words() {
    // `resident_activity_area_m2` and `facility_total_area_m2`: the value carries the unit.
    let r = report(&["--lang", "en", "--only", "facilities.activity_area_share", EXAMPLE]);
    let text = verdict(&r, "facilities.activity_area_share", "仁和园社区")["explanation"].as_str().unwrap_or_default();
    assert!(text.contains("resident activity area 390m²") && text.contains("facility total area 690m²"), "{text}");
    assert!(!text.contains(" m2"), "{text}");
}

/// The lines of `plancheck explain`'s derivation, after its heading.
fn derivation_lines(lang: &str, rule: &str, subject: &str, submission: &str) -> Vec<String> {
    let (code, out, err) = plancheck(&["--lang", lang, "explain", rule, "--subject", subject, submission]);
    assert!(code <= 1, "{err}");
    let heading = if lang == "zh" { "计算过程：" } else { "How the value was computed:" };
    let at = out.find(heading).unwrap_or_else(|| panic!("no derivation in {out}"));
    out[at..].lines().skip(1).map(str::to_string).collect()
}

#[test]
fn a_derivation_shows_each_value_with_its_unit_and_the_unit_it_belongs_to() {
    let lines = derivation_lines("zh", "party.double_reporting_orgs", "120112", EXAMPLE);
    assert!(lines[0].ends_with("驻区单位党组织双报到率 = 96.6667%"), "{lines:#?}");
    // A community's values, read for the district, name their community and keep their unit.
    let read = |field: &str, owner: &str, value: &str| {
        lines.iter().any(|l| l.contains(&format!("{field}（{owner}） = {value}  [")))
    };
    assert!(read("驻区单位党组织数", "仁和园社区", "9个"), "{lines:#?}");
    assert!(read("其中已到社区报到数", "仁和园社区", "8个"), "{lines:#?}");
    let lines = derivation_lines("en", "party.double_reporting_orgs", "120112", EXAMPLE);
    assert!(lines.iter().any(|l| l.contains("(仁和园社区) = 9 ")), "{lines:#?}");
    // Yes and no in words, in either language.
    for (lang, words) in [("zh", ["= 是", "= 否"]), ("en", ["= yes", "= no"])] {
        let lines = derivation_lines(lang, "digital.interconnection", "120112", EXAMPLE);
        assert!(lines.iter().all(|l| !l.contains("= true") && !l.contains("= false")), "{lines:#?}");
        assert!(lines.iter().any(|l| words.iter().any(|w| l.contains(w))), "{lines:#?}");
    }
}
