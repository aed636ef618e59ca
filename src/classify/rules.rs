//! A transparent scorer: the score follows from how the code was matched.
use super::{Scorer, ScoringInput};
use crate::error::Error;
use crate::lexicon::{MatchKind, Mention, TermSource};

/// The rule scorer's worklist threshold: every candidate it scores passes (the rules already decided).
pub const RULE_THRESHOLD: f32 = 0.0;

/// Scores a candidate from its best mention: an exact match of the published description counts most, a
/// lexicon term or abbreviation a little less, words gathered from around a term less again, and a one-word
/// term (ambiguous on its own) least; uncertain mentions count less; every further mention adds a little.
#[derive(Debug, Clone, Default)]
pub struct RuleScorer;

impl RuleScorer {
    fn mention_score(m: &Mention) -> f32 {
        let base = match (m.kind, m.source) {
            (MatchKind::Exact, TermSource::Description) => 0.85,
            (MatchKind::Exact, _) => 0.80,
            (MatchKind::Variant, _) => 0.75,
            (MatchKind::Lexicon, _) => 0.75,
            (MatchKind::Abbreviation, _) => 0.72,
            (MatchKind::Compositional, _) => 0.65,
        };
        let specificity = match m.words {
            0 | 1 => -0.15,
            2 => -0.05,
            _ => 0.0,
        };
        let doubt = if m.assertion.uncertain { -0.15 } else { 0.0 };
        base + specificity + doubt
    }
}

impl Scorer for RuleScorer {
    fn name(&self) -> &str {
        "rules-1"
    }

    fn default_threshold(&self) -> f32 {
        RULE_THRESHOLD
    }

    fn score(&self, input: &ScoringInput<'_, '_>) -> Result<Vec<f32>, Error> {
        Ok(input
            .candidates
            .iter()
            .map(|c| {
                let best = c.mentions.iter().map(Self::mention_score).fold(0.0f32, f32::max);
                let repeated = (c.mentions.len().saturating_sub(1) as f32 * 0.05).min(0.15);
                (best + repeated).clamp(0.01, 0.99)
            })
            .collect())
    }
}
