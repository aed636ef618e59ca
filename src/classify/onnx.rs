//! The ONNX Runtime and the trained suggestion scorer.
//!
//! ort is built with `load-dynamic`: the library is not linked at build time but opened at start-up from a path
//! the binary resolves (`ORT_DYLIB_PATH`, the copy setup installs under `.deps/`, or an installed `onnxruntime`
//! Python package). Loading it eagerly makes a missing or broken library a clear start-up error instead of a
//! failure on the first request.
//!
//! [`OnnxScorer`] runs `models/scorer.onnx` (see `models/MODEL_CARD.md`): all candidates of a note in one
//! batched `run`. A session's `run` needs `&mut` access, so the scorer keeps a small pool of sessions (one per
//! core by default, each single-threaded) and a request borrows one for the length of its `run`: requests on
//! different cores never wait for each other, where one shared session behind a mutex would serialise them
//! (`cargo bench --bench scorer` measures both).
//!
//! A model knows only what its training labels cover. The model's metadata may name rules (`cac.rule_scored`)
//! whose candidates its training corpus did not label the way the coding guidelines produce them: CodiEsp's coders
//! coded a past or a relative's condition as the disease itself, never as the family- or personal-history Z code
//! the history rule gives, so a model trained there learned only that such codes are "never accepted". Candidates
//! of those rules take the [`RuleScorer`]'s score instead of the model's; training leaves them out for the same
//! reason (`training/train.py --rule-scored`). A model trained on a facility's own decisions names none.
use std::path::Path;
use std::sync::{Condvar, Mutex};

use ndarray::Array2;
use ort::session::Session;
use ort::value::Tensor;

use super::features::{CODE_KEYS, CONTEXT_LEN, DESCRIPTION_LEN, FEATURE_NAMES, FeatureExtractor, KEY_BUCKETS};
use super::{RuleScorer, Scorer, ScoringInput};
use crate::coding::Rule;
use crate::error::{BuildError, Error, Stage};

/// A loaded ONNX Runtime environment; sessions are created from it.
pub struct OnnxRuntime {
    environment: ort::environment::Environment,
    library: String,
}

impl std::fmt::Debug for OnnxRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnnxRuntime").field("library", &self.library).finish()
    }
}

impl OnnxRuntime {
    /// Loads the runtime library at `library` and creates the process environment.
    pub fn load(library: &Path) -> Result<OnnxRuntime, BuildError> {
        let shown = library.display().to_string();
        let builder = ort::init_from(library).map_err(|e| BuildError::Onnx(format!("cannot load {shown}: {e}")))?;
        let environment =
            builder.with_name("cac").build().map_err(|e| BuildError::Onnx(format!("cannot start {shown}: {e}")))?;
        Ok(OnnxRuntime { environment, library: shown })
    }

    pub fn environment(&self) -> &ort::environment::Environment {
        &self.environment
    }

    /// The library file the runtime was loaded from.
    pub fn library(&self) -> &str {
        &self.library
    }
}

/// Sessions lent out one request at a time.
struct Pool {
    sessions: Mutex<Vec<Session>>,
    returned: Condvar,
}

impl Pool {
    fn run<T>(&self, f: impl FnOnce(&mut Session) -> T) -> Result<T, Error> {
        let poisoned = || Error::Internal { stage: Stage::Classify, reason: "scorer pool poisoned".into() };
        let mut session = {
            let mut free = self.sessions.lock().map_err(|_| poisoned())?;
            loop {
                if let Some(s) = free.pop() {
                    break s;
                }
                free = self.returned.wait(free).map_err(|_| poisoned())?;
            }
        };
        let out = f(&mut session);
        self.sessions.lock().map_err(|_| poisoned())?.push(session);
        self.returned.notify_one();
        Ok(out)
    }
}

/// The trained scorer.
pub struct OnnxScorer {
    features: FeatureExtractor,
    pool: Pool,
    version: String,
    threshold: Option<f32>,
    /// Rules whose candidates the model's training labels do not cover: scored by [`RuleScorer`].
    rule_scored: Vec<Rule>,
    /// The model takes `code_keys` (models trained before it did not).
    keyed: bool,
}

/// One batch of model inputs, a row per candidate.
#[derive(Debug, Clone)]
pub struct ModelInputs {
    pub dense: Array2<f32>,
    pub context: Array2<i64>,
    pub description: Array2<i64>,
    pub code_keys: Array2<i64>,
}

impl std::fmt::Debug for OnnxScorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnnxScorer").field("version", &self.version).finish()
    }
}

impl OnnxScorer {
    /// Builds `sessions` sessions of the model. `source` names where the bytes came from, for errors.
    pub fn new(
        runtime: &OnnxRuntime,
        model: &[u8],
        source: &str,
        features: FeatureExtractor,
        sessions: usize,
    ) -> Result<OnnxScorer, BuildError> {
        let bad = |e: String| BuildError::Onnx(format!("model {source}: {e}"));
        let mut pool = Vec::with_capacity(sessions.max(1));
        for _ in 0..sessions.max(1) {
            let session = Session::builder(runtime.environment())
                .map_err(|e| bad(e.to_string()))?
                .with_intra_threads(1)
                .map_err(|e| bad(e.to_string()))?
                .commit_from_memory(model)
                .map_err(|e| bad(e.to_string()))?;
            pool.push(session);
        }
        let first = &pool[0];
        let names: Vec<&str> = first.inputs().iter().map(|i| i.name()).collect();
        for needed in ["dense", "context", "description"] {
            if !names.contains(&needed) {
                return Err(bad(format!("it has no input {needed:?} (inputs: {names:?})")));
            }
        }
        let metadata = first.metadata().map_err(|e| bad(e.to_string()))?;
        let version = metadata.custom("cac.version").unwrap_or_else(|| "scorer".to_string());
        let features_expected = metadata.custom("cac.features").and_then(|s| s.parse::<usize>().ok());
        if features_expected.is_some_and(|n| n != FEATURE_NAMES.len()) {
            return Err(bad(format!(
                "it was trained on {} features, this engine computes {}: retrain with `make model`",
                features_expected.unwrap_or(0),
                FEATURE_NAMES.len()
            )));
        }
        let keyed = names.contains(&"code_keys");
        let buckets = metadata.custom("cac.key_buckets").and_then(|s| s.parse::<u64>().ok());
        if keyed && buckets != Some(KEY_BUCKETS) {
            return Err(bad(format!(
                "its code tables have {} buckets, this engine's code keys {KEY_BUCKETS}: retrain with `make model`",
                buckets.map_or_else(|| "an unknown number of".to_string(), |b| b.to_string())
            )));
        }
        let threshold = metadata.custom("cac.threshold").and_then(|s| s.parse::<f32>().ok());
        let rule_scored = match metadata.custom("cac.rule_scored") {
            None => Vec::new(),
            Some(list) => parse_rules(&list).map_err(bad)?,
        };
        drop(metadata);
        Ok(OnnxScorer {
            features,
            pool: Pool { sessions: Mutex::new(pool), returned: Condvar::new() },
            version,
            threshold,
            rule_scored,
            keyed,
        })
    }

    /// The rules whose candidates take the rule scorer's score (the model's `cac.rule_scored`).
    pub fn rule_scored(&self) -> &[Rule] {
        &self.rule_scored
    }

    /// The worklist threshold the model was tuned for (F1-optimal on the development set).
    pub fn threshold(&self) -> Option<f32> {
        self.threshold
    }

    /// Scores rows of model inputs directly (for the parity test and benches).
    pub fn score_inputs(&self, inputs: ModelInputs) -> Result<Vec<f32>, Error> {
        let internal =
            |e: ort::Error| Error::Internal { stage: Stage::Classify, reason: format!("onnx run failed: {e}") };
        let n = inputs.dense.nrows();
        let mut feed = ort::inputs![
            "dense" => Tensor::from_array(inputs.dense).map_err(internal)?,
            "context" => Tensor::from_array(inputs.context).map_err(internal)?,
            "description" => Tensor::from_array(inputs.description).map_err(internal)?,
        ];
        if self.keyed {
            feed.push(("code_keys".into(), Tensor::from_array(inputs.code_keys).map_err(internal)?.into()));
        }
        self.pool.run(|session| -> Result<Vec<f32>, Error> {
            let outputs = session.run(feed).map_err(internal)?;
            let (_, values) = outputs["probability"].try_extract_tensor::<f32>().map_err(internal)?;
            if values.len() != n {
                return Err(Error::Internal {
                    stage: Stage::Classify,
                    reason: format!("{} scores for {n} rows", values.len()),
                });
            }
            Ok(values.to_vec())
        })?
    }
}

/// Rows of model inputs for a batch of feature vectors, ids padded with 0.
pub fn batch(rows: &[super::features::CandidateFeatures]) -> ModelInputs {
    let n = rows.len();
    let mut dense = Array2::<f32>::zeros((n, FEATURE_NAMES.len()));
    let mut context = Array2::<i64>::zeros((n, CONTEXT_LEN));
    let mut description = Array2::<i64>::zeros((n, DESCRIPTION_LEN));
    let mut code_keys = Array2::<i64>::zeros((n, CODE_KEYS));
    for (i, r) in rows.iter().enumerate() {
        for (j, &v) in r.dense.iter().enumerate() {
            dense[[i, j]] = v;
        }
        for (j, &v) in r.context.iter().take(CONTEXT_LEN).enumerate() {
            context[[i, j]] = v;
        }
        for (j, &v) in r.description.iter().take(DESCRIPTION_LEN).enumerate() {
            description[[i, j]] = v;
        }
        for (j, &v) in r.code_keys.iter().take(CODE_KEYS).enumerate() {
            code_keys[[i, j]] = v;
        }
    }
    ModelInputs { dense, context, description, code_keys }
}

impl Scorer for OnnxScorer {
    fn name(&self) -> &str {
        &self.version
    }

    fn default_threshold(&self) -> f32 {
        self.threshold.unwrap_or(0.5)
    }

    fn score(&self, input: &ScoringInput<'_, '_>) -> Result<Vec<f32>, Error> {
        if input.candidates.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.features.extract(input.codes, input.doc, input.candidates);
        let mut scores = self.score_inputs(batch(&rows))?;
        if input.candidates.iter().any(|c| self.rule_scored.contains(&c.rule)) {
            let rules = RuleScorer.score(input)?;
            for ((score, rule_score), c) in scores.iter_mut().zip(rules).zip(input.candidates) {
                if self.rule_scored.contains(&c.rule) {
                    *score = rule_score;
                }
            }
        }
        Ok(scores)
    }
}

/// The rules named in a model's `cac.rule_scored` metadata: comma-separated rule names ("family_history").
fn parse_rules(list: &str) -> Result<Vec<Rule>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| {
            Rule::ALL.into_iter().find(|r| r.as_str() == name).ok_or_else(|| {
                let known: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
                format!("its metadata cac.rule_scored names the unknown rule {name:?} (known: {known:?})")
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_scored_metadata_names_known_rules_only() {
        assert_eq!(
            parse_rules("family_history, personal_history").unwrap(),
            [Rule::FamilyHistory, Rule::PersonalHistory]
        );
        assert!(parse_rules("").unwrap().is_empty());
        let err = parse_rules("family_history,history_of_present_illness").unwrap_err();
        assert!(err.contains("history_of_present_illness"), "{err}");
    }
}
