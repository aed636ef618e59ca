//! The engine: every stage, built once, run in order for each note.
//!
//! ```text
//! Note ─validate─▶ text::Analyzer ─▶ lexicon::Lexicon ─▶ context::ContextRules ─▶ coding::candidates ─▶ classify::Scorer ─▶ coding::suggestions ─▶ cdi::CdiRules
//!                  tokens, sentences,  mentions of codes    assertion of each       one per code          one score each      suggested / excluded    gaps, CC/MCC
//!                  sections
//! ```
//!
//! Everything expensive (the code set, the analyzer, the lexicon automaton, the trigger list, the scorer) is built by
//! [`EngineBuilder`] at start-up and is immutable afterwards, so one `Arc<Engine>` serves every request on every
//! thread without locks. Lookups and searches go through the engine's [`Catalog`] over the same code set.
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::cdi::{CdiInput, CdiRules};
use crate::classify::features::FeatureExtractor;
use crate::classify::{RuleScorer, Scorer, ScoringInput};
use crate::codeset::{CodeSet, ProcedureTable, SeverityLists};
use crate::coding::{self, CodingRules};
use crate::context::{self, ContextRules, TargetAssertion};
use crate::error::{BuildError, Error, Result};
use crate::lexicon::{Lexicon, LexiconSources, ProcedureMatcher};
use crate::note::Note;
use crate::suggestion::CodedNote;
use crate::text::Analyzer;

/// Default limit on the size of one note: 1 MiB, far above any real note, far below what would hurt the service.
pub const DEFAULT_MAX_NOTE_BYTES: usize = 1 << 20;

/// One candidate's scorer inputs, as `cac features` writes them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeatureRow {
    pub code: String,
    pub rule: coding::Rule,
    /// Why the rules set it aside, if they did.
    pub excluded: Option<String>,
    #[serde(flatten)]
    pub features: crate::classify::features::CandidateFeatures,
}

/// Builds an [`Engine`].
pub struct EngineBuilder {
    codes: Arc<CodeSet>,
    scorer: Option<Box<dyn Scorer>>,
    max_note_bytes: usize,
    min_score: Option<f32>,
    disabled: Vec<coding::RuleSwitch>,
    procedures: Option<ProcedureTable>,
    severity: Option<SeverityLists>,
}

impl EngineBuilder {
    pub fn new(codes: Arc<CodeSet>) -> EngineBuilder {
        EngineBuilder {
            codes,
            scorer: None,
            max_note_bytes: DEFAULT_MAX_NOTE_BYTES,
            min_score: None,
            disabled: Vec::new(),
            procedures: None,
            severity: None,
        }
    }

    /// The MS-DRG CC and MCC lists: suggestions get their `cc`/`mcc` flags and gaps that could add or change one
    /// rank first. Without them no code is flagged.
    pub fn severity(mut self, lists: SeverityLists) -> EngineBuilder {
        self.severity = Some(lists);
        self
    }

    /// The scorer to use; [`RuleScorer`] when not set.
    pub fn scorer(mut self, scorer: Box<dyn Scorer>) -> EngineBuilder {
        self.scorer = Some(scorer);
        self
    }

    /// Candidates scored below this are not suggested (they are listed in `excluded` as `low_score`); the
    /// scorer's own tuned threshold when not set.
    pub fn min_score(mut self, min_score: f32) -> EngineBuilder {
        self.min_score = Some(min_score);
        self
    }

    /// The procedure table to use (the embedded starter table when not set; the CLI's `--cpt-file` gives one
    /// with licensed descriptors).
    pub fn procedures(mut self, table: ProcedureTable) -> EngineBuilder {
        self.procedures = Some(table);
        self
    }

    /// Switches a guideline rule off, to measure what it does.
    pub fn disable_rule(mut self, rule: coding::RuleSwitch) -> EngineBuilder {
        self.disabled.push(rule);
        self
    }

    /// Notes longer than this many bytes are refused.
    pub fn max_note_bytes(mut self, limit: usize) -> EngineBuilder {
        self.max_note_bytes = limit;
        self
    }

    pub fn build(self) -> Result<Engine, BuildError> {
        if self.codes.billable_count() == 0 {
            return Err(BuildError::CodeSet("the code set has no billable codes".into()));
        }
        let analyzer = Analyzer::new()?;
        let lexicon = Lexicon::build(&self.codes, &analyzer, &LexiconSources::embedded())?;
        let (file, triggers) = crate::models::CONTEXT_TRIGGERS;
        let context = ContextRules::from_tsv(file, triggers, &analyzer)?;
        let mut rules = CodingRules::build(&self.codes, &lexicon, &analyzer)?;
        let procedures = self.procedures.map_or_else(ProcedureTable::embedded, Ok)?;
        let procedure_matcher = ProcedureMatcher::build(&procedures, &analyzer)?;
        for &r in &self.disabled {
            rules.disable(r);
        }
        let features = FeatureExtractor::embedded()?;
        let cdi = CdiRules::build(&self.codes, &analyzer, self.severity)?;
        let scorer = self.scorer.unwrap_or_else(|| Box::new(RuleScorer));
        let min_score = self.min_score.unwrap_or_else(|| scorer.default_threshold());
        Ok(Engine {
            cdi,
            features,
            procedures,
            procedure_matcher,
            context,
            rules,
            min_score,
            catalog: Catalog::new(Arc::clone(&self.codes))?,
            codes: self.codes,
            analyzer,
            lexicon,
            scorer,
            max_note_bytes: self.max_note_bytes,
        })
    }
}

/// The coding engine. Cheap to share (`Arc<Engine>`), safe to call from any number of threads.
pub struct Engine {
    codes: Arc<CodeSet>,
    analyzer: Analyzer,
    lexicon: Lexicon,
    context: ContextRules,
    rules: CodingRules,
    procedures: ProcedureTable,
    procedure_matcher: ProcedureMatcher,
    features: FeatureExtractor,
    cdi: CdiRules,
    /// Candidates scored below this are reported as excluded (`low_score`).
    min_score: f32,
    scorer: Box<dyn Scorer>,
    catalog: Catalog,
    max_note_bytes: usize,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("codeset", &self.codes.version())
            .field("lexicon", &self.lexicon)
            .field("scorer", &self.scorer.name())
            .finish()
    }
}

impl Engine {
    pub fn builder(codes: Arc<CodeSet>) -> EngineBuilder {
        EngineBuilder::new(codes)
    }

    pub fn codeset(&self) -> &CodeSet {
        &self.codes
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    pub fn scorer_name(&self) -> &str {
        self.scorer.name()
    }

    /// Candidates scored below this are not suggested.
    pub fn min_score(&self) -> f32 {
        self.min_score
    }

    pub fn max_note_bytes(&self) -> usize {
        self.max_note_bytes
    }

    /// Checks a note before any work is done on it.
    pub fn validate(&self, note: &Note) -> Result<()> {
        if note.text.len() > self.max_note_bytes {
            return Err(Error::TextTooLarge { size: note.text.len(), limit: self.max_note_bytes });
        }
        if note.text.trim().is_empty() {
            return Err(Error::EmptyText);
        }
        Ok(())
    }

    /// Codes one note.
    pub fn code(&self, note: &Note) -> Result<CodedNote> {
        self.code_until(note, None)
    }

    /// Codes one note, giving up with [`Error::DeadlineExceeded`] between stages once `deadline` has passed (a
    /// caller that has stopped waiting should not keep a core busy).
    pub fn code_until(&self, note: &Note, deadline: Option<std::time::Instant>) -> Result<CodedNote> {
        let check = || match deadline {
            Some(d) if std::time::Instant::now() >= d => Err(Error::DeadlineExceeded),
            _ => Ok(()),
        };
        check()?;
        self.validate(note)?;
        let doc = self.analyzer.analyze(&note.text)?;
        check()?;
        let mut mentions = self.lexicon.mentions(&self.codes, &doc);
        check()?;
        let context = self.context.analyze(&doc);
        for m in &mut mentions {
            m.assertion = context.assertion(&doc, m.tokens.0, m.tokens.1);
        }
        let cx = coding::NoteContext { codes: &self.codes, lexicon: &self.lexicon, doc: &doc, setting: note.setting };
        let mut candidates = self.rules.propose(&cx, mentions);
        check()?;
        let scores = self.scorer.score(&ScoringInput { codes: &self.codes, doc: &doc, candidates: &candidates })?;
        check()?;
        if scores.len() != candidates.len() {
            return Err(Error::Internal {
                stage: crate::error::Stage::Classify,
                reason: format!("{} scores for {} candidates", scores.len(), candidates.len()),
            });
        }
        let mut coded = self.rules.finalize(&cx, &mut candidates, &scores, self.min_score);
        if let Some(bmi) = coding::bmi::suggest(&self.codes, &coded.codes, || self.cdi.bmi(&doc)) {
            coded.codes.push(bmi);
        }
        let input = coding::procedures::ProcedureInput {
            table: &self.procedures,
            doc: &doc,
            context: &context,
            setting: note.setting,
            patient_status: note.patient_status,
            diagnoses: &coded.codes,
        };
        let (procedures, set_aside) = coding::procedures::code(&input, self.procedure_matcher.find(&doc));
        coded.codes.extend(procedures);
        coded.excluded.extend(set_aside);
        self.cdi.mark(&mut coded.codes);
        for e in &mut coded.excluded {
            self.cdi.mark(std::slice::from_mut(&mut e.suggestion));
        }
        let gaps = self.cdi.gaps(CdiInput {
            codes: &self.codes,
            doc: &doc,
            context: &context,
            suggested: &coded.codes,
            excluded: &coded.excluded,
            conflicts: coded.gaps,
        });
        Ok(CodedNote {
            id: note.id.clone(),
            codeset: self.codes.version().to_string(),
            model_version: self.scorer.name().to_string(),
            codes: coded.codes,
            excluded: coded.excluded,
            gaps,
        })
    }

    /// The scorer's inputs for every candidate of a note (`cac features`), with each candidate's code, rule and
    /// whether the rules set it aside: exactly what the scorer sees at run time.
    pub fn candidate_features(&self, note: &Note) -> Result<Vec<FeatureRow>> {
        self.validate(note)?;
        let doc = self.analyzer.analyze(&note.text)?;
        let mut mentions = self.lexicon.mentions(&self.codes, &doc);
        let context = self.context.analyze(&doc);
        for m in &mut mentions {
            m.assertion = context.assertion(&doc, m.tokens.0, m.tokens.1);
        }
        let cx = coding::NoteContext { codes: &self.codes, lexicon: &self.lexicon, doc: &doc, setting: note.setting };
        let candidates = self.rules.propose(&cx, mentions);
        let rows = self.features.extract(&self.codes, &doc, &candidates);
        Ok(candidates
            .iter()
            .zip(rows)
            .map(|(c, f)| FeatureRow {
                code: self.codes.code(c.code).code.clone(),
                rule: c.rule,
                excluded: c.exclusion.map(|r| r.as_str().to_string()),
                features: f,
            })
            .collect())
    }

    /// The assertion of each target phrase, at its first occurrence in `text` (`cac context`).
    pub fn assert_targets(&self, text: &str, targets: &[String]) -> Result<Vec<TargetAssertion>> {
        if text.len() > self.max_note_bytes {
            return Err(Error::TextTooLarge { size: text.len(), limit: self.max_note_bytes });
        }
        let doc = self.analyzer.analyze(text)?;
        let map = self.context.analyze(&doc);
        Ok(targets
            .iter()
            .map(|target| {
                let found = context::find_target(text, target);
                let assertion = found
                    .and_then(|(b, e)| context::tokens_in(&doc, b, e))
                    .map(|(first, last)| map.assertion(&doc, first, last))
                    .unwrap_or_default();
                TargetAssertion {
                    target: target.clone(),
                    found: found.is_some(),
                    begin: found.map(|f| f.0),
                    end: found.map(|f| f.1),
                    assertion,
                }
            })
            .collect())
    }

    /// The analyzer (tokens, sentences, sections) the engine reads notes with.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The assertion rules.
    pub fn context(&self) -> &ContextRules {
        &self.context
    }

    /// The code set, the analyzer and the search index, for lookups and searches.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }
}
