# plancheck's obligations, written in Rego for the regorus benchmark peer (bench/peer).
#
# The input is one district submission (spec/submission.md). `result` gives, for every rule
# below, the status of each of its subjects in that submission, in document order (the order of
# plancheck's verdicts of the rule on that district): pass, fail, unknown, not_applicable, or
# not_due (a target judged before its date: plancheck's on_track/behind).
#
# Each rule keeps the id and the meaning of its namesake in rules/*.rules, whose `applies to`,
# `require` and metrics are quoted in the comment above it.
# How plancheck's semantics are kept:
# - A value that cannot be computed (a missing field, a null, a division by zero, a share over
#   nothing) is the gap U, never zero; whatever needs it is U, and a verdict that needs it is
#   "unknown". `and`/`or` are three-valued like plancheck's: a decided side decides.
# - plancheck computes in exact decimals. Rego numbers are f64 (integers stay exact), so no
#   threshold is compared after a division: `a / b * k >= t` is judged as `a * k >= t * b`
#   (b > 0) in integers, and decimal fields (areas, hours, yuan) are read as exact integer
#   thousandths (`dec`), which is exact for values with at most 3 decimal places.
# - A target (`target by 2025-12-31`) is pass/fail once the as-of date reaches its due date,
#   like a standing rule; before it a failure is counted as "not_due".
# - Parameters come from data.params (the peer's --param, or a city record's national average),
#   else take their defaults from rules/*.rules; data.as_of is the peer's --as-of.
package plancheck

import rego.v1

# ---------------------------------------------------------------------------------------------
# Values and gaps

# The gap: a value that cannot be computed.
U := "?"

# A yes/no field of record o, or U when missing, null, or o itself is a gap.
b(o, k) := v if {
	v := o[k]
	is_boolean(v)
} else := U

# A count field (a whole number), or U.
n(o, k) := v if {
	v := o[k]
	is_number(v)
} else := U

# A decimal field as exact integer thousandths (964.5 -> 964500), or U. The f64 read of a
# decimal with at most 3 places is within 1e-12 of it, so rounding recovers it exactly.
dec(o, k) := round(v * 1000) if {
	v := o[k]
	is_number(v)
} else := U

# A nested record, or U.
rec(o, k) := v if {
	v := o[k]
	is_object(v)
} else := U

# A list of records; a missing list holds nothing (plancheck finds no instances below).
list(o, k) := v if {
	v := o[k]
	is_array(v)
} else := []

# Text field, or U.
txt(o, k) := v if {
	v := o[k]
	is_string(v)
} else := U

# Three-valued logic (Kleene), as plancheck's `and`/`or`.
and3(x, y) := false if {
	x == false
} else := false if {
	y == false
} else := true if {
	x == true
	y == true
} else := U

or3(x, y) := true if {
	x == true
} else := true if {
	y == true
} else := false if {
	x == false
	y == false
} else := U

# Comparisons of numbers; U when either side is a gap.
ge(x, y) := true if {
	is_number(x)
	is_number(y)
	x >= y
} else := false if {
	is_number(x)
	is_number(y)
} else := U

gt(x, y) := true if {
	is_number(x)
	is_number(y)
	x > y
} else := false if {
	is_number(x)
	is_number(y)
} else := U

lt(x, y) := true if {
	is_number(x)
	is_number(y)
	x < y
} else := false if {
	is_number(x)
	is_number(y)
} else := U

le(x, y) := true if {
	is_number(x)
	is_number(y)
	x <= y
} else := false if {
	is_number(x)
	is_number(y)
} else := U

eq(x, y) := true if {
	x != U
	y != U
	x == y
} else := false if {
	x != U
	y != U
} else := U

ne(x, y) := false if {
	eq(x, y) == true
} else := true if {
	eq(x, y) == false
} else := U

# `a / b * k >= t` (and `>`, `<`), exactly: a*k against t*b. b is never negative (counts and
# areas); b = 0 is a division by zero, a gap.
frac_ge(a, b, k, t) := ge(a * k, t * b) if {
	is_number(a)
	is_number(b)
	b > 0
} else := U

frac_gt(a, b, k, t) := gt(a * k, t * b) if {
	is_number(a)
	is_number(b)
	b > 0
} else := U

frac_lt(a, b, k, t) := lt(a * k, t * b) if {
	is_number(a)
	is_number(b)
	is_number(t)
	b > 0
} else := U

# `if c then x else y`: a gap in c is a gap; anything but true takes y.
ite(c, x, y) := x if {
	c == true
} else := U if {
	c == U
} else := y

has_gap(vs) if {
	count([1 | some v in vs; v == U]) > 0
}

# sum(S: x): the total, or U if any element is a gap.
total(vs) := U if {
	has_gap(vs)
} else := sum(vs)

# count(S where c), any(S: c): over the yes/no values of c, U if any is a gap.
count_true(vs) := U if {
	has_gap(vs)
} else := count([1 | some v in vs; v == true])

# (Counted rather than searched with `some v in vs`: regorus 0.14.1's bytecode VM does not take
# the `else` of a body that iterates and fails.)
any3(vs) := U if {
	has_gap(vs)
} else := true if {
	count([1 | some v in vs; v == true]) > 0
} else := false

# share(S: c where f): the values of c for the elements that pass f (U where f is a gap) give
# [yes, all], or U for a gap or for no element at all (a share over nothing).
share(vs) := U if {
	has_gap(vs)
} else := U if {
	count(vs) == 0
} else := [count([1 | some v in vs; v == true]), count(vs)]

# share >= t%, exactly: 100 * yes >= t * all.
share_ge(sh, t) := ge(100 * sh[0], t * sh[1]) if {
	is_array(sh)
} else := U

# The value of an element that passed a `where`: U if the filter itself was a gap.
gated(f, v) := U if {
	f == U
} else := v

# ratio(S: a / b) * k >= t: Σa * k >= t * Σb; U for any gap or Σb = 0.
ratio_ge(xs, ys, k, t) := frac_ge(total(xs), total(ys), k, t)

# ---------------------------------------------------------------------------------------------
# Parameters: `data.params.NAME` (the peer's --param, or a city record's national average), else
# the default of rules/*.rules.

param(name, fallback) := v if {
	v := data.params[name]
	is_number(v)
} else := fallback

# ---------------------------------------------------------------------------------------------
# Verdicts

# The verdict of a rule on one subject: `applies` is the applicability (true when the rule has
# no `where`), `holds` the requirement.
verdict(applies, holds) := "not_applicable" if {
	applies == false
} else := "unknown" if {
	applies != true
} else := "unknown" if {
	holds == U
} else := "pass" if {
	holds == true
} else := "fail"

# The as-of date: the peer's --as-of (data.as_of), else the submission's, else the end of its
# reporting year.
as_of := data.as_of if {
	is_string(data.as_of)
} else := input.as_of if {
	is_string(input.as_of)
} else := sprintf("%d-12-31", [input.reporting_year])

# A target due on 2025-12-31: a failure before that date is not yet a failure.
target(v) := "not_due" if {
	v == "fail"
	as_of < "2025-12-31"
} else := v

# ---------------------------------------------------------------------------------------------
# Subjects

district := input.district

streets := list(district, "streets")

communities := [c | some s in streets; some c in list(s, "communities")]

villages := [v | some s in streets; some v in list(s, "villages")]

# 城乡社区: communities and villages together.
units := array.concat(communities, villages)

stations := list(district, "police_stations")

police_areas := [a | some p in stations; some a in list(p, "police_areas")]

officer_times := [t | some p in stations; some t in list(p, "community_officer_time")]

village_officers := [o | some p in stations; some o in list(p, "village_officers")]

owners_committees := [o | some c in communities; some o in list(c, "owners_committees")]

projects := list(district, "new_residential_projects")

# ---------------------------------------------------------------------------------------------
# Per-unit rules

# 20-facilities: applies to community where has_comprehensive_service_facility and households > 0
# require facility_area_per_100_households >= 30 m²/百户 (= facility_total_area_m2 / households * 100)
# In thousandths of m²: area_milli * 100 >= 30_000 * households.
facilities__urban_area_per_100_households := [verdict(
	and3(b(c, "has_comprehensive_service_facility"), gt(n(c, "households"), 0)),
	frac_ge(dec(c, "facility_total_area_m2"), n(c, "households"), 100, 30000),
) |
	some c in communities
]

# 20-facilities: applies to village where has_comprehensive_service_facility
# require facility_total_area_m2 >= 300 m²
facilities__village_area_min := [verdict(
	b(v, "has_comprehensive_service_facility"),
	ge(dec(v, "facility_total_area_m2"), 300000),
) |
	some v in villages
]

# 20-facilities: applies to community, village where has_comprehensive_service_facility and
# facility_total_area_m2 > 0 m²; require activity_area_share >= 60% (target 2025)
# (= resident_activity_area_m2 / facility_total_area_m2 * 100)
facilities__activity_area_share := [target(verdict(
	and3(b(u, "has_comprehensive_service_facility"), gt(dec(u, "facility_total_area_m2"), 0)),
	frac_ge(dec(u, "resident_activity_area_m2"), dec(u, "facility_total_area_m2"), 100, 60),
)) |
	some u in units
]

# 20-facilities: applies to new_residential_project where approval_year >= 2021 and
# approval_year <= 2025 and total_floor_area_m2 > 0 m²; require commercial_share >= 10%
# (= commercial_and_service_facility_area_m2 / total_floor_area_m2 * 100)
facilities__new_development_commercial_share := [verdict(
	and3(and3(ge(n(p, "approval_year"), 2021), le(n(p, "approval_year"), 2025)), gt(dec(p, "total_floor_area_m2"), 0)),
	frac_ge(dec(p, "commercial_and_service_facility_area_m2"), dec(p, "total_floor_area_m2"), 100, 10),
) |
	some p in projects
]

# 30-service-supply: applies to police_station where officers_total > 0 人
# require community_officer_share >= 40% (target 2025) (= community_officers / officers_total * 100)
police__community_officer_share := [target(verdict(
	gt(n(p, "officers_total"), 0),
	frac_ge(n(p, "community_officers"), n(p, "officers_total"), 100, 40),
)) |
	some p in stations
]

# 30-service-supply: applies to community_officer_time where working_hours > 0 小时
# require time_in_community_share >= 80% (target 2025) (= hours_in_community / working_hours * 100)
police__community_time_share := [target(verdict(
	gt(dec(t, "working_hours"), 0),
	frac_ge(dec(t, "hours_in_community"), dec(t, "working_hours"), 100, 80),
)) |
	some t in officer_times
]

# 30-service-supply: applies to police_area; require full_time_community_officers >= 1 人
police__officer_per_area := [verdict(true, ge(n(a, "full_time_community_officers"), 1)) |
	some a in police_areas
]

# 30-service-supply: applies to village_officer; require min_weekly_hours_in_village >= 20 小时/周
police__village_officer_weekly_hours := [verdict(true, ge(dec(o, "min_weekly_hours_in_village"), 20000)) |
	some o in village_officers
]

# 10-participation: applies to community
# require extra_workers >= required_extra_workers - tolerance, with
#   extra_workers = community_workers_total - 4,
#   required_extra_workers = round_half_up(households / 300 户/人), tolerance = 0 人 (default).
# round_half_up(h / 300) = floor((h + 150) / 300) for h >= 0, computed in integers.
tolerance := param("tolerance", 0)

round_half_up_div(h, q) := ((h + half) - ((h + half) % q)) / q if {
	is_number(h)
	half := q / 2
} else := U

staffing__households_per_worker := [verdict(
	true,
	households_per_worker_holds(c),
) |
	some c in communities
]

households_per_worker_holds(c) := ge(w - 4, r - tolerance) if {
	w := n(c, "community_workers_total")
	r := round_half_up_div(n(c, "households"), 300)
	is_number(w)
	is_number(r)
} else := U

# 10-participation: applies to community
# require secretary_is_director and full_time_deputy_secretaries >= 1 人 and full_time_deputy_directors >= 2 人
staffing__four_plus_n_core := [verdict(
	true,
	and3(
		and3(b(c, "secretary_is_director"), ge(n(c, "full_time_deputy_secretaries"), 1)),
		ge(n(c, "full_time_deputy_directors"), 2),
	),
) |
	some c in communities
]

# 10-participation: applies to community where households >= 500 户
# require active_community_social_orgs >= 12 个 (target 2025)
social_org__urban_per_community := [target(verdict(
	ge(n(c, "households"), 500),
	ge(n(c, "active_community_social_orgs"), 12),
)) |
	some c in communities
]

# 10-participation: applies to village where households >= 300 户
# require active_community_social_orgs >= 6 个 (target 2025)
social_org__village_per_village := [target(verdict(
	ge(n(v, "households"), 300),
	ge(n(v, "active_community_social_orgs"), 6),
)) |
	some v in villages
]

# 10-participation: applies to owners_committee where members > 0 人
# require member_party_share > 50% and (owner_representatives == 0 人 or representative_party_share > 50%)
#   member_party_share = party_members / members * 100
#   representative_party_share = owner_representatives_party_members / owner_representatives * 100
party__owners_committee_party_majority := [verdict(
	gt(n(o, "members"), 0),
	and3(
		frac_gt(n(o, "party_members"), n(o, "members"), 100, 50),
		or3(
			eq(n(o, "owner_representatives"), 0),
			frac_gt(n(o, "owner_representatives_party_members"), n(o, "owner_representatives"), 100, 50),
		),
	),
) |
	some o in owners_committees
]

# 30-service-supply: applies to community, village; require legal_literate_persons >= 3 人 (target 2025)
legal__legal_literate_persons := [target(verdict(true, ge(n(u, "legal_literate_persons"), 3))) |
	some u in units
]

# 30-service-supply: applies to community, village; require disaster_information_officers >= 1 人
emergency__disaster_info_officer := [verdict(true, ge(n(u, "disaster_information_officers"), 1)) |
	some u in units
]

# 40-mechanisms: applies to community where households > 0 户
# require office_funding_per_household >= 40 元/户 (= office_funding_yuan / households)
# In thousandths of a yuan: yuan_milli >= 40_000 * households.
funding__office_funding_per_household := [verdict(
	gt(n(c, "households"), 0),
	frac_ge(dec(c, "office_funding_yuan"), n(c, "households"), 1, 40000),
) |
	some c in communities
]

# ---------------------------------------------------------------------------------------------
# District rules (ratios of sums, shares). Each gives one verdict for the district.

# 10-participation: applies to district; require workers_per_10k_urban >= 18 人/万人 (target 2025)
# = sum(community: community_workers_total) / urban_resident_population * 10000
staffing__workers_per_10k_urban := [target(verdict(
	true,
	frac_ge(total([n(c, "community_workers_total") | some c in communities]), n(district, "urban_resident_population"), 10000, 18),
))]

# 10-participation: require certified_share >= 50% (target 2025)
# = ratio(community: community_workers_sw_qualified / community_workers_total) * 100
staffing__certified_share := [target(verdict(
	true,
	ratio_ge(
		[n(c, "community_workers_sw_qualified") | some c in communities],
		[n(c, "community_workers_total") | some c in communities],
		100, 50,
	),
))]

# 10-participation: applies to district where sum(community: resident_unit_party_orgs) > 0 个
# require double_reporting_orgs_rate >= 100%
# = ratio(community: resident_unit_party_orgs_reported / resident_unit_party_orgs) * 100
party__double_reporting_orgs := [verdict(
	gt(total([n(c, "resident_unit_party_orgs") | some c in communities]), 0),
	ratio_ge(
		[n(c, "resident_unit_party_orgs_reported") | some c in communities],
		[n(c, "resident_unit_party_orgs") | some c in communities],
		100, 100,
	),
)]

# 10-participation: applies to district where cadres_required_to_sink > 0 人
# require cadre_rotation_rate >= 100% (= cadres_sunk_on_rotation / cadres_required_to_sink * 100)
party__cadre_rotation_rate := [verdict(
	gt(n(district, "cadres_required_to_sink"), 0),
	frac_ge(n(district, "cadres_sunk_on_rotation"), n(district, "cadres_required_to_sink"), 100, 100),
)]

# 10-participation: require volunteer_station_coverage >= 80% (target 2025)
# = share(community, village: has_volunteer_station)
volunteer__station_coverage := [target(verdict(
	true,
	share_ge(share([b(u, "has_volunteer_station") | some u in units]), 80),
))]

# 10-participation: applies to district
# require qualitative.volunteer_demonstration_communities >= min_demonstration_communities (1 个)
min_demonstration_communities := param("min_demonstration_communities", 1)

volunteer__demonstration_communities := [verdict(
	true,
	ge(n(rec(district, "qualitative"), "volunteer_demonstration_communities"), min_demonstration_communities),
)]

# 20-facilities: require service_facility_coverage >= 100% (target 2025, baseline 100% in 2020)
# = share(community, village: has_comprehensive_service_facility)
facilities__service_facility_coverage := [target(verdict(
	true,
	share_ge(share([b(u, "has_comprehensive_service_facility") | some u in units]), 100),
))]

# 30-service-supply: applies to district, city: require legal_advisor_coverage >= 100%
# = share(community, village: legal_advisors >= 1 人); and applies to community, village:
# require legal_advisors >= 1 人 (one verdict per unit, after the district's).
legal__advisor_per_community := array.concat(
	[verdict(true, share_ge(share([ge(n(u, "legal_advisors"), 1) | some u in units]), 100))],
	[verdict(true, ge(n(u, "legal_advisors"), 1)) | some u in units],
)

# 30-service-supply: applies to district where any(community, village: has_police_office)
# require police_office_colocation_rate >= 100% (target 2025)
# = share(community, village: police_office_colocated where has_police_office)
police__office_colocation_rate := [target(verdict(
	any3([b(u, "has_police_office") | some u in units]),
	share_ge(share([gated(f, b(u, "police_office_colocated")) |
		some u in units
		f := b(u, "has_police_office")
		f != false
	]), 100),
))]

# 30-service-supply: applies to district where count(street where type != "functional_zone") > 0
# require minor_protection_station_coverage >= 50% (target 2025)
# = share(street: has_minor_protection_station where type != "functional_zone")
minors__street_protection_station_coverage := [target(verdict(
	gt(count_true([ne(txt(s, "type"), "functional_zone") | some s in streets]), 0),
	share_ge(share([gated(f, b(s, "has_minor_protection_station")) |
		some s in streets
		f := ne(txt(s, "type"), "functional_zone")
		f != false
	]), 50),
))]

# 30-service-supply: applies to district where count(street where type == "town" or type == "township") > 0
# require national_health_township_coverage >= 100% (target 2025)
# = share(street: is_national_health_township where type == "town" or type == "township")
town_or_township(s) := or3(eq(txt(s, "type"), "town"), eq(txt(s, "type"), "township"))

health__national_health_township_coverage := [target(verdict(
	gt(count_true([town_or_township(s) | some s in streets]), 0),
	share_ge(share([gated(f, b(s, "is_national_health_township")) |
		some s in streets
		f := town_or_township(s)
		f != false
	]), 100),
))]

# 30-service-supply: require sports_instructors_per_1000 >= 2.7 人/千人
# = social_sports_instructors / resident_population * 1000; both sides times 10: * 10000 >= 27.
sports__instructors_per_1000 := [verdict(
	true,
	frac_ge(n(district, "social_sports_instructors"), n(district, "resident_population"), 10000, 27),
)]

# 30-service-supply: require regular_exercise_share >= 45%, where regular_exercise_share =
#   if regular_exercise_survey_respondents > 0 人
#   then regular_exercise_survey_regular / regular_exercise_survey_respondents * 100
#   else regular_exercise_share_published (percent, may be null: then unknown)
# The published share is compared as read (one f64 against 45: exact for any decimal of at
# most 15 significant digits).
sports__regular_exercise_share := [verdict(
	true,
	ite(
		gt(n(district, "regular_exercise_survey_respondents"), 0),
		frac_ge(n(district, "regular_exercise_survey_regular"), n(district, "regular_exercise_survey_respondents"), 100, 45),
		ge(n(district, "regular_exercise_share_published"), 45),
	),
)]

# 30-service-supply: applies to district where reoffending_cohort > 0 人
# require reoffending_rate < national_reoffending_rate
# = cohort_reoffended / released_persons_cohort * 100. The parameter has no default (a fact about
# the world: cli.md, "No invented numbers"): it is taken `from
# city_record.national_average_reoffending_rate` where a record is given, or from --param (the
# peer passes either as data.params), else it is the gap U and the verdict unknown. Here it is in
# exact thousandths of a percent (0.2% -> 200), so the comparison is
# cohort_reoffended * 100 * 1000 < rate_milli * released_persons_cohort.
national_reoffending_rate_milli := round(r * 1000) if {
	r := param("national_reoffending_rate", U)
	is_number(r)
} else := U

safety__reoffending_below_national := [verdict(
	gt(n(district, "released_persons_cohort"), 0),
	frac_lt(n(district, "cohort_reoffended"), n(district, "released_persons_cohort"), 100000, national_reoffending_rate_milli),
)]

# ---------------------------------------------------------------------------------------------
# The result: per rule, the status of each subject.

# Each rule's verdicts, by rule id. (One rule per obligation, then this table: regorus's bytecode
# VM does not compile partial object rules with constant keys.)
statuses := {
	"facilities.urban_area_per_100_households": facilities__urban_area_per_100_households,
	"facilities.village_area_min": facilities__village_area_min,
	"facilities.activity_area_share": facilities__activity_area_share,
	"facilities.new_development_commercial_share": facilities__new_development_commercial_share,
	"police.community_officer_share": police__community_officer_share,
	"police.community_time_share": police__community_time_share,
	"police.officer_per_area": police__officer_per_area,
	"police.village_officer_weekly_hours": police__village_officer_weekly_hours,
	"staffing.households_per_worker": staffing__households_per_worker,
	"staffing.four_plus_n_core": staffing__four_plus_n_core,
	"social_org.urban_per_community": social_org__urban_per_community,
	"social_org.village_per_village": social_org__village_per_village,
	"party.owners_committee_party_majority": party__owners_committee_party_majority,
	"legal.legal_literate_persons": legal__legal_literate_persons,
	"emergency.disaster_info_officer": emergency__disaster_info_officer,
	"funding.office_funding_per_household": funding__office_funding_per_household,
	"staffing.workers_per_10k_urban": staffing__workers_per_10k_urban,
	"staffing.certified_share": staffing__certified_share,
	"party.double_reporting_orgs": party__double_reporting_orgs,
	"party.cadre_rotation_rate": party__cadre_rotation_rate,
	"volunteer.station_coverage": volunteer__station_coverage,
	"volunteer.demonstration_communities": volunteer__demonstration_communities,
	"facilities.service_facility_coverage": facilities__service_facility_coverage,
	"legal.advisor_per_community": legal__advisor_per_community,
	"police.office_colocation_rate": police__office_colocation_rate,
	"minors.street_protection_station_coverage": minors__street_protection_station_coverage,
	"health.national_health_township_coverage": health__national_health_township_coverage,
	"sports.instructors_per_1000": sports__instructors_per_1000,
	"sports.regular_exercise_share": sports__regular_exercise_share,
	"safety.reoffending_below_national": safety__reoffending_below_national,
}

result := statuses
