//! A transparent scorer: the score follows from how the code was matched.
use super::Scorer;
use crate::codeset::CodeSet;
use crate::coding::Candidate;
use crate::error::Error;
use crate::lexicon::TermSource;

/// Scores a candidate from its best mention: the published description counts most, a variant with modifiers
/// dropped less, and a one-word term (ambiguous on its own) least; every further mention adds a little.
#[derive(Debug, Clone, Default)]
pub struct RuleScorer;

impl RuleScorer {
    fn mention_score(source: TermSource, tokens: u16) -> f32 {
        let base = match source {
            TermSource::Description => 0.80,
            TermSource::InclusionTerm => 0.75,
            TermSource::DescriptionVariant => 0.70,
            TermSource::InclusionVariant => 0.65,
        };
        match tokens {
            0 | 1 => base - 0.20,
            2 => base - 0.05,
            _ => base,
        }
    }
}

impl Scorer for RuleScorer {
    fn name(&self) -> &str {
        "rules-1"
    }

    fn score(&self, _codes: &CodeSet, candidates: &[Candidate]) -> Result<Vec<f32>, Error> {
        Ok(candidates
            .iter()
            .map(|c| {
                let best = c
                    .mentions
                    .iter()
                    .map(|m| Self::mention_score(m.source, (m.tokens.1 - m.tokens.0) as u16))
                    .fold(0.0f32, f32::max);
                let repeated = (c.mentions.len().saturating_sub(1) as f32 * 0.05).min(0.15);
                (best + repeated).clamp(0.01, 0.99)
            })
            .collect())
    }
}
