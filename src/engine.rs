//! The library engine, as the command line, the tests and the benches use it: a rule set
//! loaded and checked → submissions loaded, validated and made whole → verdicts judged on
//! every core (or on as many threads as asked) and delivered in order. It prints nothing:
//! every problem is a diagnostic handed back to the caller, who decides how to show it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::check::model::{Model, RuleId};
use crate::data::instance::InstanceId;
use crate::data::{self, instance::Dataset};
use crate::diagnostics::Diagnostics;
use crate::eval::verdict::{Batch, Judge, JudgeOptions, Verdict, in_parallel};
use crate::load::RuleSet;
use crate::source::{FileId, SourceMap};

/// A checked rule set, ready to judge submissions.
pub struct Engine {
    set: RuleSet,
    /// How many files of the source map are rule files; submissions come after them.
    rule_files: usize,
    /// Told, on the calling thread, how many batches of verdicts of a judging are done.
    progress: Option<Box<Progress>>,
    /// How many threads read submissions and judge: one per core unless told.
    threads: usize,
}

/// A watcher of judging: batches done, batches in all.
pub type Progress = dyn Fn(usize, usize) + Send + Sync;

/// Submissions loaded, bound and validated (data model and consistency checks), with the
/// whole (全市) made over them when they are usable.
pub struct Submissions {
    pub dataset: Dataset,
    /// The problems found in the submissions, sorted by place: at most [`PER_FILE`] of a file
    /// and [`IN_ALL`] in all.
    pub diagnostics: Diagnostics,
    /// The problems beyond those limits, counted: errors, warnings.
    pub hidden: (usize, usize),
}

/// Problems shown for one file: a broken file seldom needs more to be fixed, and ten thousand
/// files of `{}` must not print a hundred thousand messages.
pub const PER_FILE: usize = 50;

/// Problems shown in all.
pub const IN_ALL: usize = 500;

impl Submissions {
    /// Whether verdicts can be judged: no error, and at least one submission.
    pub fn usable(&self) -> bool {
        !self.diagnostics.has_errors() && self.hidden.0 == 0 && !self.dataset.documents.is_empty()
    }

    /// Every problem counted, shown or not: errors, warnings.
    pub fn counts(&self) -> (usize, usize) {
        (self.diagnostics.error_count() + self.hidden.0, self.diagnostics.warning_count() + self.hidden.1)
    }
}

/// Keeps the first problems of each file and in all; counts the rest.
fn cap(diagnostics: Diagnostics) -> (Diagnostics, (usize, usize)) {
    let mut per_file: HashMap<FileId, usize> = HashMap::new();
    let mut shown = Vec::new();
    let mut hidden = (0, 0);
    for d in diagnostics.0 {
        let n = per_file.entry(d.primary.file).or_default();
        *n += 1;
        if *n <= PER_FILE && shown.len() < IN_ALL {
            shown.push(d);
        } else if d.is_error() {
            hidden.0 += 1;
        } else {
            hidden.1 += 1;
        }
    }
    (Diagnostics(shown), hidden)
}

/// Verdicts judged together on one thread.
const BATCH: usize = 1024;

impl Engine {
    /// Reads, parses and checks the rule set at `path` (a file or a directory of `.rules`).
    pub fn open(path: &Path) -> std::io::Result<Self> {
        crate::load::load(path, crate::parallel::threads()).map(Engine::new)
    }

    pub fn new(set: RuleSet) -> Self {
        let rule_files = set.sources.len();
        Engine { set, rule_files, progress: None, threads: crate::parallel::threads() }
    }

    /// Reads and judges on `n` threads: at least one (which runs everything on the calling
    /// thread), at most four per core (each holds tables as long as the data).
    pub fn set_threads(&mut self, n: usize) {
        self.threads = n.clamp(1, 4 * crate::parallel::threads());
    }

    /// How many threads the engine reads and judges on.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Has `watch` told how far each judging has come (a progress bar on a terminal).
    pub fn on_progress(&mut self, watch: Box<Progress>) {
        self.progress = Some(watch);
    }

    /// The rule set, with its sources and diagnostics.
    pub fn rules(&self) -> &RuleSet {
        &self.set
    }

    pub fn model(&self) -> &Model {
        &self.set.checked.model
    }

    /// The text of every rule file and every submission loaded so far, for locations.
    pub fn sources(&self) -> &SourceMap {
        &self.set.sources
    }

    /// Whether the rules can judge: they hold no error.
    pub fn usable(&self) -> bool {
        !self.set.diagnostics.has_errors()
    }

    /// Loads the submissions found under `paths` (files, or directories holding them) and
    /// validates them; a path that cannot be read is a diagnostic like any other problem.
    pub fn load(&mut self, paths: &[PathBuf], options: &data::Options) -> Submissions {
        let loaded = data::load(paths, &self.set.checked, options, &mut self.set.sources, self.threads);
        let mut diagnostics = Diagnostics(loaded.diagnostics);
        let mut dataset = loaded.dataset;
        if !diagnostics.has_errors() {
            diagnostics.0.extend(crate::eval::consistency::check(self.model(), &dataset, self.threads));
            diagnostics.0.extend(crate::eval::whole::check(self.model(), &dataset));
            diagnostics.0.extend(crate::eval::references::check(self.model(), &dataset, self.threads));
        }
        diagnostics.sort();
        if !diagnostics.has_errors() {
            crate::eval::whole::add_wholes(self.model(), &mut dataset);
        }
        crate::eval::whole::note_years(self.model(), &mut dataset);
        let (diagnostics, hidden) = cap(diagnostics);
        Submissions { dataset, diagnostics, hidden }
    }

    /// Forgets the text of every submission loaded so far, so that a long-lived engine (a
    /// fuzzer, a server) can check one submission after another in the same memory. The
    /// [`Submissions`] loaded before must not be shown after this.
    pub fn unload(&mut self) {
        self.set.sources.truncate(self.rule_files);
    }

    /// A judge of the submissions on this thread.
    pub fn judge<'a>(&'a self, submissions: &'a Submissions, options: &'a JudgeOptions) -> Judge<'a> {
        Judge::new(self.model(), &submissions.dataset, options)
    }

    /// Judges every selected rule on every subject on the engine's threads: `work` turns each run of
    /// verdicts into a result on a worker's own judge (to explain and write them there), and
    /// `take` receives the results in rule order, then subject order.
    pub fn judge_in_parallel<T: Send>(
        &self,
        submissions: &Submissions,
        options: &JudgeOptions,
        work: impl Fn(&mut Judge<'_>, Vec<Verdict>) -> T + Sync,
        take: impl FnMut(T),
    ) {
        let batches = self.judge(submissions, options).batches(BATCH);
        self.judge_batches(submissions, options, &batches, work, take);
    }

    /// Judges every selected rule on the engine's threads, group by group (`group`: the instance a
    /// subject is reported under, a district say; `order`: the groups in the order wanted).
    /// `work` turns each run of verdicts into a result, and `take` receives the results, each
    /// with its group, one group after the other.
    pub fn judge_grouped<T: Send, K: Ord>(
        &self,
        submissions: &Submissions,
        options: &JudgeOptions,
        (group, order): (impl Fn(InstanceId) -> InstanceId, impl Fn(InstanceId) -> K),
        work: impl Fn(&mut Judge<'_>, Vec<Verdict>) -> T + Sync,
        mut take: impl FnMut(InstanceId, T),
    ) {
        let mut groups = self.judge(submissions, options).batches_grouped(BATCH, group);
        groups.sort_by_cached_key(|(g, _)| order(*g));
        let owners: Vec<InstanceId> = groups.iter().flat_map(|(g, b)| std::iter::repeat_n(*g, b.len())).collect();
        let batches: Vec<Batch> = groups.into_iter().flat_map(|(_, b)| b).collect();
        let mut at = 0;
        self.judge_batches(submissions, options, &batches, work, |result| {
            take(owners[at], result);
            at += 1;
        });
    }

    /// Judges `batches` on the engine's threads, as [`Engine::judge_in_parallel`] does.
    fn judge_batches<T: Send>(
        &self,
        submissions: &Submissions,
        options: &JudgeOptions,
        batches: &[Batch],
        work: impl Fn(&mut Judge<'_>, Vec<Verdict>) -> T + Sync,
        mut take: impl FnMut(T),
    ) {
        let (total, mut done) = (batches.len(), 0);
        let take = |result: T| {
            take(result);
            done += 1;
            if let Some(watch) = &self.progress {
                watch(done, total);
            }
        };
        let run = |judge: &mut Judge<'_>, b: Batch| {
            let mut verdicts = Vec::with_capacity(b.len());
            judge.batch(b, options.trace, &mut |v| verdicts.push(v));
            work(judge, verdicts)
        };
        in_parallel((self.model(), &submissions.dataset, options), self.threads, batches, run, take);
    }

    /// The rules judged on the submissions (all, or those `--only` selects, that apply to a
    /// subject), in rule order.
    pub fn rules_judged(&self, submissions: &Submissions, options: &JudgeOptions) -> Vec<RuleId> {
        let mut rules: Vec<RuleId> =
            self.judge(submissions, options).batches(usize::MAX).iter().map(|b| b.rule()).collect();
        rules.dedup();
        rules
    }

    /// `work` done on each of `items` on the engine's threads, each with a judge of its own (to
    /// explain verdicts there); `take` receives the results in the order of `items`.
    pub fn each_judged<I: Sync, T: Send>(
        &self,
        submissions: &Submissions,
        options: &JudgeOptions,
        items: &[I],
        work: impl Fn(&mut Judge<'_>, &I) -> T + Sync,
        take: impl FnMut(T),
    ) {
        let judge = || self.judge(submissions, options);
        crate::parallel::ordered(items, self.threads, 2, judge, work, take);
    }

    /// Every verdict, in rule order, then subject order, judged on the engine's threads.
    pub fn verdicts(&self, submissions: &Submissions, options: &JudgeOptions, mut each: impl FnMut(Verdict)) {
        self.judge_in_parallel(
            submissions,
            options,
            |_, verdicts| verdicts,
            |verdicts| verdicts.into_iter().for_each(&mut each),
        );
    }
}
