//! The Tianjin profile of the generator: the 16 districts of submission.md Appendix A with
//! their street counts, and plausible values for the fields the rules read, kept consistent
//! with the checks of `rules/02-consistency.rules` (parts within wholes, grids adding up to
//! households, codes nesting, police areas adding up). A share of units fails a rule.

use super::{GenOptions, Rec, Rng, build};
use crate::check::Checked;
use crate::data::tree::{Node, Value};

const DISTRICTS: &str = include_str!("tianjin-districts.csv");

/// Syllables for plausible unit names.
const SYLLABLES: &[&str] = &[
    "和", "平", "新", "华", "安", "康", "宁", "泰", "福", "兴", "盛", "丰", "润", "德", "明", "清", "光", "荣", "景",
    "瑞", "祥", "春", "秀", "锦", "同", "顺", "永", "长", "文", "园",
];

/// One district to generate.
#[derive(Clone, Debug)]
pub struct DistrictPlan {
    pub code: String,
    pub name: String,
    pub subdistricts: usize,
    pub towns: usize,
    pub townships: usize,
    pub communities: usize,
    pub villages: usize,
    pub central: bool,
}

impl DistrictPlan {
    pub fn seed_salt(&self) -> u64 {
        self.code.parse::<u64>().unwrap_or(0).wrapping_mul(0x100_0000_01B3)
    }
}

/// The districts to generate: the 16 of Tianjin (or those asked for), scaled; beyond 1×,
/// synthetic copies with codes outside Tianjin's range make up the volume.
pub fn districts(options: &GenOptions) -> Vec<DistrictPlan> {
    let base: Vec<DistrictPlan> = DISTRICTS
        .lines()
        .skip(1)
        .filter_map(|line| {
            let c: Vec<&str> = line.split(',').collect();
            let n = |i: usize| c.get(i).and_then(|v| v.parse().ok()).unwrap_or(0);
            Some(DistrictPlan {
                code: c.first()?.to_string(),
                name: c.get(1)?.to_string(),
                subdistricts: n(2),
                towns: n(3),
                townships: n(4),
                communities: n(5),
                villages: n(6),
                central: c.get(7) == Some(&"true"),
            })
        })
        .filter(|d| options.districts.is_empty() || options.districts.contains(&d.code))
        .collect();
    let copies = options.scale.max(0.0).ceil().max(1.0) as usize;
    let per_copy = options.scale / copies as f64;
    let mut out = Vec::new();
    for copy in 0..copies {
        for d in &base {
            let mut plan = d.clone();
            plan.communities = ((d.communities as f64 * per_copy).round() as usize).max(usize::from(d.communities > 0));
            plan.villages = ((d.villages as f64 * per_copy).round() as usize).max(usize::from(d.villages > 0));
            if copy > 0 {
                // Synthetic districts: province 90, then a running number.
                plan.code = format!("9{:05}", copy * 100 + d.code[4..].parse::<usize>().unwrap_or(0));
                plan.name = format!("{}（副本{copy}）", d.name);
            }
            out.push(plan);
        }
    }
    out
}

fn name(rng: &mut Rng, suffix: &str) -> String {
    let a = SYLLABLES[rng.below(SYLLABLES.len())];
    let b = SYLLABLES[rng.below(SYLLABLES.len())];
    format!("{a}{b}{suffix}")
}

/// Units of one street.
struct Street {
    code: String,
    kind: &'static str,
    communities: Vec<(String, Node<'static>, Stats)>,
    villages: Vec<(String, Node<'static>, Stats)>,
}

/// Numbers of a unit that the district and police records need.
#[derive(Clone, Copy, Default)]
struct Stats {
    residents: i64,
}

/// A whole district submission.
pub fn submission(checked: &Checked, plan: &DistrictPlan, options: &GenOptions, rng: &mut Rng) -> Node<'static> {
    let fail = options.failure_rate;
    let streets = streets(checked, plan, fail, rng);
    let urban: i64 = streets.iter().flat_map(|s| &s.communities).map(|c| c.2.residents).sum();
    let rural: i64 = streets.iter().flat_map(|s| &s.villages).map(|v| v.2.residents).sum();
    let stations = police_stations(checked, plan, &streets, fail, rng);
    let mut street_nodes = Vec::new();
    for (i, s) in streets.into_iter().enumerate() {
        let mut r = Rec::default();
        let town = s.kind != "subdistrict";
        r.text("code", &s.code).text("name", street_name(plan, &s, i)).text("type", s.kind);
        r.flag("has_social_work_station", !rng.chance(fail / 2.0))
            .flag("has_minor_protection_station", rng.chance(0.6));
        if town {
            r.flag("is_national_health_township", rng.chance(0.7));
        } else {
            r.null("is_national_health_township");
        }
        let eligible = rng.range(120, 150);
        r.int("gov_service_items_eligible", eligible).int("gov_service_items_on_mobile", eligible - rng.range(0, 8));
        r.records("communities", s.communities.into_iter().map(|c| c.1).collect());
        r.records("villages", s.villages.into_iter().map(|v| v.1).collect());
        street_nodes.push(build(checked, "street", r, rng));
    }
    let mut d = Rec::default();
    // The statistics bureau's urban population is a little above the communities' residents.
    let urban_population = urban + urban / 50;
    let resident = urban_population + rural;
    d.text("code", &plan.code).text("name", &plan.name);
    d.int("resident_population", resident).int("urban_resident_population", urban_population);
    let required = rng.range(200, 800);
    d.int("cadres_required_to_sink", required)
        .int("cadres_sunk_on_rotation", if rng.chance(fail) { required - 3 } else { required });
    d.int("brand_community_social_orgs", rng.range(5, 25)).int("brand_service_projects", rng.range(3, 15));
    let audited = rng.range(800, 3000);
    d.int("notifiable_disease_cases_audited", audited)
        .int("notifiable_disease_cases_reported", audited - rng.range(0, audited / 30));
    d.int("social_sports_instructors", resident * rng.range(22, 32) / 10_000);
    let respondents = rng.range(800, 2000);
    d.int("regular_exercise_survey_respondents", respondents)
        .int("regular_exercise_survey_regular", respondents * rng.range(40, 52) / 100);
    d.null("regular_exercise_share_published");
    d.int("barrier_free_renovations_cumulative", rng.range(300, 1500));
    let cohort = rng.range(150, 700);
    d.int("released_persons_cohort", cohort).int("cohort_reoffended", cohort * rng.range(2, 4) / 100);
    d.set("online_24h_service_channels", Value::List(vec![super::node(Value::Text("津治通".into()))]));
    d.records("new_residential_projects", projects(checked, plan, fail, rng));
    d.records("streets", street_nodes);
    d.records("police_stations", stations);
    let district = build(checked, "district", d, rng);
    let mut s = Rec::default();
    let year = options.year;
    s.text("schema_version", "1.0").int("reporting_year", year as i64);
    s.text("period_start", format!("{year}-01-01")).text("period_end", format!("{year}-12-31"));
    s.text("as_of", format!("{year}-12-31")).text("submitted_by", format!("{}民政局（合成数据）", plan.name));
    s.record("district", district);
    build(checked, "submission", s, rng)
}

fn street_name(plan: &DistrictPlan, s: &Street, i: usize) -> String {
    let kind = match s.kind {
        "subdistrict" => "街道",
        "town" => "镇",
        _ => "乡",
    };
    format!("{}第{}{kind}（示例）", plan.name.trim_end_matches('区'), i + 1)
}

fn streets(checked: &Checked, plan: &DistrictPlan, fail: f64, rng: &mut Rng) -> Vec<Street> {
    let mut streets = Vec::new();
    for (count, kind, base) in
        [(plan.subdistricts, "subdistrict", 1), (plan.towns, "town", 100), (plan.townships, "township", 200)]
    {
        for i in 0..count {
            streets.push(Street {
                code: format!("{}{:03}", plan.code, base + i),
                kind,
                communities: Vec::new(),
                villages: Vec::new(),
            });
        }
    }
    if streets.is_empty() {
        return streets;
    }
    // Communities mostly in subdistricts, villages in towns and townships.
    let urban: Vec<usize> = (0..streets.len()).filter(|&i| streets[i].kind == "subdistrict").collect();
    let rural: Vec<usize> = (0..streets.len()).filter(|&i| streets[i].kind != "subdistrict").collect();
    for n in 0..plan.communities {
        let pool = if urban.is_empty() || (!rural.is_empty() && n % 5 == 4) { &rural } else { &urban };
        let at = pool[n % pool.len()];
        let number = streets[at].communities.len() + 1;
        let code = format!("{}{:03}", streets[at].code, number);
        let (node, stats) = community(checked, &code, plan.central, fail, rng);
        streets[at].communities.push((code, node, stats));
    }
    for n in 0..plan.villages {
        let pool = if rural.is_empty() { &urban } else { &rural };
        let at = pool[n % pool.len()];
        let number = streets[at].villages.len() + 200;
        let code = format!("{}{:03}", streets[at].code, number);
        let (node, stats) = village(checked, &code, fail, rng);
        streets[at].villages.push((code, node, stats));
    }
    streets
}

/// Splits households into grids of about 200 to 400.
fn grids(households: i64, rng: &mut Rng) -> Vec<i64> {
    let mut left = households;
    let mut out = Vec::new();
    while left > 400 {
        let g = rng.range(250, 380);
        out.push(g);
        left -= g;
    }
    out.push(left.max(0));
    out
}

fn community(checked: &Checked, code: &str, central: bool, fail: f64, rng: &mut Rng) -> (Node<'static>, Stats) {
    let mut r = Rec::default();
    let households = rng.range(350, 4200);
    let residents = households * rng.range(24, 29) / 10;
    r.text("code", code).text("name", name(rng, "社区")).int("households", households);
    r.int("resident_population", residents).int("actual_population", residents * rng.range(100, 112) / 100);
    r.flag("in_central_urban_area", central);
    let has_facility = !rng.chance(fail / 10.0);
    r.flag("has_comprehensive_service_facility", has_facility);
    let per_100 = if rng.chance(fail) { rng.uniform(26.0, 29.9) } else { rng.uniform(30.0, 45.0) };
    let area = (households as f64 * per_100 / 100.0).round();
    let activity = area * if rng.chance(fail) { rng.uniform(0.50, 0.59) } else { rng.uniform(0.60, 0.72) };
    r.dec("facility_total_area_m2", area).dec("resident_activity_area_m2", activity.floor());
    let deputy_directors = if rng.chance(fail / 2.0) { 1 } else { 2 };
    r.flag("secretary_is_director", !rng.chance(fail / 5.0));
    r.int("full_time_deputy_secretaries", 1).int("full_time_deputy_directors", deputy_directors);
    let n = (households as f64 / 300.0).round() as i64;
    let workers = 4 + n + if rng.chance(fail) { -1 } else { rng.range(0, 2) };
    let workers = workers.max(1 + 1 + deputy_directors);
    r.int("community_workers_total", workers);
    let qualified_share = if rng.chance(fail) { rng.range(30, 49) } else { rng.range(50, 70) };
    r.int("community_workers_sw_qualified", workers * qualified_share / 100);
    r.int("community_workers_rotation_trained", if rng.chance(fail / 3.0) { workers - 1 } else { workers });
    let orgs = rng.range(0, 20);
    r.int("resident_unit_party_orgs", orgs)
        .int("resident_unit_party_orgs_reported", if rng.chance(fail / 3.0) { (orgs - 1).max(0) } else { orgs });
    let expected = rng.range(20, 300);
    r.int("in_service_party_members_expected", expected).int("in_service_party_members_reported", expected);
    r.records("owners_committees", owners_committees(checked, code, households, fail, rng));
    r.int("active_community_social_orgs", if rng.chance(fail) { rng.range(6, 11) } else { rng.range(12, 20) });
    let eligible = rng.range(36, 40);
    r.int("gov_service_items_eligible", eligible).int("gov_service_items_on_mobile", eligible - rng.range(0, 2));
    let elderly = rng.range(5, 60);
    let visited: Vec<i64> = (0..12).map(|_| if rng.chance(fail / 10.0) { elderly - 1 } else { elderly }).collect();
    r.int("special_difficulty_elderly", elderly).ints("special_difficulty_elderly_visited_monthly", &visited);
    r.int("special_difficulty_elderly_served", elderly - rng.range(0, 2).min(elderly));
    r.int("children_directors", if rng.chance(fail / 4.0) { 0 } else { 1 });
    let office = rng.chance(0.8);
    r.flag("has_police_office", office);
    if office {
        r.flag("police_office_colocated", !rng.chance(fail));
    } else {
        r.null("police_office_colocated");
    }
    let actual = residents * 105 / 100;
    r.int("mass_prevention_force", actual * rng.range(25, 40) / 1000);
    r.int("legal_advisors", 1).int("legal_literate_persons", rng.range(3, 8)).int("disaster_information_officers", 1);
    r.flag("has_grocery_access_problem", rng.chance(fail / 4.0));
    r.ints("grid_households", &grids(households, rng));
    r.int("centre_open_days_per_week", rng.range(6, 7))
        .dec("centre_min_daily_open_hours", rng.uniform(8.0, 10.0).floor());
    r.dec("party_service_fund_yuan", 100_000.0);
    r.dec("office_funding_yuan", (households * rng.range(35, 60)) as f64);
    let per_household = if rng.chance(fail) { 10 } else { rng.range(12, 16) };
    r.dec("welfare_subsidy_yuan", (households * per_household) as f64);
    (build(checked, "community", r, rng), Stats { residents })
}

fn owners_committees(checked: &Checked, code: &str, households: i64, fail: f64, rng: &mut Rng) -> Vec<Node<'static>> {
    (0..(households / 1500).min(3))
        .map(|i| {
            let mut r = Rec::default();
            let members = rng.range(5, 9);
            let representatives = rng.range(20, 50);
            r.text("committee_id", format!("OC-{code}-{:02}", i + 1)).text("complex_name", name(rng, "园"));
            r.int("owner_representatives", representatives).int("members", members);
            let majority = !rng.chance(fail / 2.0);
            r.int(
                "owner_representatives_party_members",
                if majority { representatives / 2 + 1 } else { representatives / 2 },
            );
            r.int("party_members", members / 2 + 1);
            build(checked, "owners_committee", r, rng)
        })
        .collect()
}

fn village(checked: &Checked, code: &str, fail: f64, rng: &mut Rng) -> (Node<'static>, Stats) {
    let mut r = Rec::default();
    let households = rng.range(120, 900);
    let residents = households * rng.range(25, 32) / 10;
    r.text("code", code).text("name", name(rng, "村")).int("households", households);
    r.int("resident_population", residents).int("actual_population", residents * rng.range(100, 108) / 100);
    let has_facility = !rng.chance(fail / 10.0);
    r.flag("has_comprehensive_service_facility", has_facility);
    let area = if rng.chance(fail) { rng.range(260, 299) } else { rng.range(300, 600) } as f64;
    r.dec("facility_total_area_m2", area).dec("resident_activity_area_m2", (area * rng.uniform(0.55, 0.72)).floor());
    let workers = rng.range(5, 12);
    r.int("community_workers_total", workers).int("community_workers_rotation_trained", workers);
    r.int("active_community_social_orgs", if rng.chance(fail) { rng.range(2, 5) } else { rng.range(6, 10) });
    let eligible = rng.range(22, 26);
    r.int("gov_service_items_eligible", eligible).int("gov_service_items_on_mobile", eligible - rng.range(0, 2));
    let elderly = rng.range(3, 40);
    r.int("special_difficulty_elderly", elderly).ints("special_difficulty_elderly_visited_monthly", &[elderly; 12]);
    r.int("special_difficulty_elderly_served", elderly);
    r.int("children_directors", if rng.chance(fail / 4.0) { 0 } else { 1 });
    let office = rng.chance(0.7);
    r.flag("has_police_office", office);
    if office {
        r.flag("police_office_colocated", !rng.chance(fail));
    } else {
        r.null("police_office_colocated");
    }
    r.int("mass_prevention_force", residents * rng.range(25, 40) / 1000);
    r.int("legal_advisors", 1).int("legal_literate_persons", rng.range(2, 6)).int("disaster_information_officers", 1);
    r.ints("grid_households", &grids(households, rng));
    r.int("centre_open_days_per_week", rng.range(5, 7)).dec("centre_min_daily_open_hours", 8.0);
    (build(checked, "village", r, rng), Stats { residents })
}

fn projects(checked: &Checked, plan: &DistrictPlan, fail: f64, rng: &mut Rng) -> Vec<Node<'static>> {
    (0..rng.range(0, 3))
        .map(|i| {
            let mut r = Rec::default();
            let total = rng.range(40_000, 250_000) as f64;
            let share = if rng.chance(fail) { rng.uniform(0.07, 0.099) } else { rng.uniform(0.10, 0.14) };
            r.text("project_id", format!("NRP-{}-{:03}", plan.code, i + 1)).text("name", name(rng, "家园（示例）"));
            r.text("street_code", format!("{}{:03}", plan.code, if plan.subdistricts > 0 { 1 } else { 100 }));
            r.int("approval_year", rng.range(2021, 2025)).dec("total_floor_area_m2", total);
            r.dec("commercial_and_service_facility_area_m2", (total * share).floor());
            build(checked, "new_residential_project", r, rng)
        })
        .collect()
}

/// One police station per street, its areas covering the street's units.
fn police_stations(
    checked: &Checked,
    plan: &DistrictPlan,
    streets: &[Street],
    fail: f64,
    rng: &mut Rng,
) -> Vec<Node<'static>> {
    streets
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let station_id = format!("{}-PS-{:02}", plan.code, i + 1);
            let units: Vec<&String> =
                s.communities.iter().map(|c| &c.0).chain(s.villages.iter().map(|v| &v.0)).collect();
            let mut areas = Vec::new();
            let mut times = Vec::new();
            let mut village_officers = Vec::new();
            let mut officers = 0;
            for (a, chunk) in units.chunks(2).enumerate() {
                let area_id = format!("{station_id}-{:02}", a + 1);
                let full_time = if rng.chance(fail / 4.0) { 0 } else { rng.range(1, 2) };
                officers += full_time;
                let mut r = Rec::default();
                r.text("area_id", &area_id)
                    .text("name", format!("第{}警务区", a + 1))
                    .int("full_time_community_officers", full_time);
                let codes: Vec<Node<'static>> =
                    chunk.iter().map(|c| super::node(Value::Text((*c).clone().into()))).collect();
                r.set("unit_codes", Value::List(codes));
                areas.push(build(checked, "police_area", r, rng));
                for o in 0..full_time {
                    let mut t = Rec::default();
                    let working = rng.range(1850, 2000) as f64;
                    let share = if rng.chance(fail) { rng.uniform(0.70, 0.79) } else { rng.uniform(0.80, 0.92) };
                    t.text("officer_id", format!("{area_id}-{}", o + 1)).text("area_id", &area_id);
                    t.dec("working_hours", working).dec("hours_in_community", (working * share).floor());
                    times.push(build(checked, "community_officer_time", t, rng));
                }
                for village in chunk.iter().filter(|c| c[9..].parse::<u32>().is_ok_and(|n| n >= 200)) {
                    let mut v = Rec::default();
                    let least = if rng.chance(fail) { rng.range(14, 19) } else { rng.range(20, 26) };
                    v.text("officer_id", format!("{area_id}-V"))
                        .text("village_code", *village)
                        .int("weeks_reported", 52);
                    v.dec("min_weekly_hours_in_village", least as f64)
                        .dec("avg_weekly_hours_in_village", (least + rng.range(0, 4)) as f64);
                    village_officers.push(build(checked, "village_officer", v, rng));
                }
            }
            let mut r = Rec::default();
            let share = if rng.chance(fail) { rng.uniform(0.30, 0.39) } else { rng.uniform(0.40, 0.55) };
            let total = ((officers as f64 / share).ceil() as i64).max(officers).max(1);
            r.text("station_id", &station_id)
                .text("name", format!("{}派出所（示例）", street_name(plan, s, i).trim_end_matches("（示例）")));
            r.text("district_code", &plan.code).int("officers_total", total).int("community_officers", officers);
            r.records("police_areas", areas)
                .records("community_officer_time", times)
                .records("village_officers", village_officers);
            build(checked, "police_station", r, rng)
        })
        .collect()
}

/// The city record of 市民政局 for a year.
pub fn city_record(checked: &Checked, year: i32, rng: &mut Rng) -> Node<'static> {
    let mut r = Rec::default();
    r.int("reporting_year", year as i64).dec("national_average_reoffending_rate", 3.5);
    build(checked, "city_record", r, rng)
}
