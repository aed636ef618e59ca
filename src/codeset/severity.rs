//! MS-DRG severity lists: which diagnoses are a complication or comorbidity (CC) or a major one (MCC).
//!
//! CMS publishes them each fiscal year as Table 6J (CC) and Table 6I (MCC) of the IPPS final rule; setup fetches
//! the FY2026 tables (`data/msdrg/fy2026/cc_list.txt`, `mcc_list.txt`). A secondary diagnosis on either list
//! moves an inpatient stay into a higher-weighted DRG, which is why CDI worklists rank the gaps that would add or
//! change one first. The CC exclusion list (a CC that does not count with a given principal diagnosis) is not
//! applied: cac flags what the tables say about each code and leaves DRG grouping to the grouper.
//!
//! File shape: a title line ("TABLE 6I - COMPLETE MCC LIST"), a header line, then `code<TAB>description` per line,
//! codes with the dot.
use std::collections::HashSet;

use crate::error::BuildError;

/// How a code weighs as a secondary diagnosis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    None,
    Cc,
    Mcc,
}

/// The CC and MCC lists of one fiscal year.
#[derive(Debug, Clone, Default)]
pub struct SeverityLists {
    cc: HashSet<String>,
    mcc: HashSet<String>,
}

impl SeverityLists {
    /// Parses Table 6J (CC) and Table 6I (MCC). `cc` and `mcc` are `(file name, text)`.
    pub fn parse(cc: (&str, &str), mcc: (&str, &str)) -> Result<SeverityLists, BuildError> {
        Ok(SeverityLists { cc: parse_table(cc.0, cc.1, "CC")?, mcc: parse_table(mcc.0, mcc.1, "MCC")? })
    }

    /// The severity of a code (upper case with the dot); MCC wins when a code were on both lists.
    pub fn of(&self, code: &str) -> Severity {
        if self.mcc.contains(code) {
            Severity::Mcc
        } else if self.cc.contains(code) {
            Severity::Cc
        } else {
            Severity::None
        }
    }

    pub fn is_empty(&self) -> bool {
        self.cc.is_empty() && self.mcc.is_empty()
    }

    /// (number of CC codes, number of MCC codes).
    pub fn counts(&self) -> (usize, usize) {
        (self.cc.len(), self.mcc.len())
    }
}

fn parse_table(file: &str, text: &str, kind: &str) -> Result<HashSet<String>, BuildError> {
    let mut codes = HashSet::new();
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, title)) if title.to_ascii_uppercase().contains(&format!("{kind} LIST")) => {}
        _ => {
            return Err(BuildError::DataFile {
                file: file.to_string(),
                line: 1,
                reason: format!("expected the title of the complete {kind} list"),
            });
        }
    }
    for (i, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.trim_start().starts_with("Notes:") {
            // The tables end with a "Notes:" footer.
            break;
        }
        if line.trim().is_empty() || line.starts_with("Diagnosis Code") {
            continue;
        }
        let code = line.split('\t').next().unwrap_or_default().trim();
        let valid = code.len() >= 3
            && code.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
        if !valid {
            return Err(BuildError::DataFile {
                file: file.to_string(),
                line: i + 1,
                reason: "expected a diagnosis code and a tab".into(),
            });
        }
        codes.insert(code.to_string());
    }
    if codes.is_empty() {
        return Err(BuildError::DataFile { file: file.to_string(), line: 1, reason: format!("no {kind} codes") });
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_and_mcc_wins() {
        let cc = "TABLE 6J - COMPLETE CC LIST\nDiagnosis Code\tDescription\nE87.1\tHypo-osmolality and hyponatremia\n";
        let mcc = "TABLE 6I - COMPLETE MCC LIST\nDiagnosis Code\tDescription\nA41.9\tSepsis, unspecified organism\n";
        let lists = SeverityLists::parse(("cc", cc), ("mcc", mcc)).unwrap();
        assert_eq!(lists.of("E87.1"), Severity::Cc);
        assert_eq!(lists.of("A41.9"), Severity::Mcc);
        assert_eq!(lists.of("I10"), Severity::None);
    }

    #[test]
    fn a_wrong_file_is_refused_with_its_name() {
        let err = SeverityLists::parse(("cc.txt", "hello\n"), ("mcc.txt", "")).unwrap_err().to_string();
        assert!(err.contains("cc.txt:1"), "{err}");
    }
}
