//! Missing links: two conditions documented side by side that the classification codes together only when the
//! provider states the relationship (`models/cdi/links.toml`). The "with" presumption (diabetes, hypertension
//! with heart and kidney disease) is coded by the coding rules and never queried here.
use serde::Deserialize;

use crate::codeset::CodeSet;
use crate::error::BuildError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    link: Vec<Link>,
}

/// One pair of conditions and the code that combines them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub id: String,
    pub first: Vec<String>,
    pub second: Vec<String>,
    /// The combined code, or the prefix of its codes.
    pub code: String,
    pub first_name: String,
    pub second_name: String,
    /// How the provider would state the link.
    pub linked: String,
    pub source: String,
}

/// Parses `(file name, TOML text)`; every combined code must name codes of the code set.
pub fn parse(file: &str, text: &str, codes: &CodeSet) -> Result<Vec<Link>, BuildError> {
    let err = |line: usize, reason: String| BuildError::DataFile { file: file.to_string(), line, reason };
    let parsed: File = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| text[..s.start].lines().count().max(1));
        err(line, e.message().to_string())
    })?;
    for l in &parsed.link {
        let known = codes.codes().iter().any(|c| c.billable && c.code.starts_with(&l.code));
        if !known || l.first.is_empty() || l.second.is_empty() {
            return Err(err(
                1,
                format!("link {:?}: no billable code starts with {}, or a side is empty", l.id, l.code),
            ));
        }
    }
    Ok(parsed.link)
}

impl Link {
    /// The codes (first, second) that call for this link's query, when the combined code is not suggested.
    pub fn applies<'c>(&self, suggested: &'c [String]) -> Option<(&'c str, &'c str)> {
        if suggested.iter().any(|c| c.starts_with(&self.code)) {
            return None;
        }
        let first = suggested.iter().find(|c| super::indicators::starts_any(c, &self.first))?;
        let second = suggested.iter().find(|c| super::indicators::starts_any(c, &self.second))?;
        Some((first, second))
    }
}
