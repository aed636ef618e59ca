//! Procedure codes: CPT and HCPCS Level II.
//!
//! CPT descriptors are the AMA's and are not shipped. The project ships `models/cpt/starter.tsv`: common
//! services with descriptions written in the project's own words and the phrases that signal each in a note.
//! A site with a CPT licence points `--cpt-file` at the AMA's tab-separated data file (code, descriptor), and
//! its descriptors replace the project's wording for the codes both list; nothing else changes.
use std::io::BufRead;

use crate::error::BuildError;

/// What kind of service a code is; evaluation and management codes are chosen by rules, the rest by terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProcedureCategory {
    EmOfficeNew,
    EmOfficeEstablished,
    EmHospitalInitial,
    EmHospitalSubsequent,
    EmHospitalDischarge,
    EmEmergency,
    EmProlonged,
    EmPreventive,
    /// Any other service, recognised by its terms.
    Service,
}

impl ProcedureCategory {
    fn parse(s: &str) -> Option<ProcedureCategory> {
        Some(match s {
            "em_office_new" => ProcedureCategory::EmOfficeNew,
            "em_office_established" => ProcedureCategory::EmOfficeEstablished,
            "em_hospital_initial" => ProcedureCategory::EmHospitalInitial,
            "em_hospital_subsequent" => ProcedureCategory::EmHospitalSubsequent,
            "em_hospital_discharge" => ProcedureCategory::EmHospitalDischarge,
            "em_emergency" => ProcedureCategory::EmEmergency,
            "em_prolonged" => ProcedureCategory::EmProlonged,
            "em_preventive" => ProcedureCategory::EmPreventive,
            "procedure" | "imaging" | "cardiology" | "pulmonary" | "lab" | "injection" | "vaccine"
            | "vaccine_admin" | "drug" => ProcedureCategory::Service,
            _ => return None,
        })
    }

    pub fn is_em(self) -> bool {
        self != ProcedureCategory::Service
    }
}

/// One procedure code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Procedure {
    pub code: String,
    /// "CPT" or "HCPCS".
    pub system: String,
    pub category: ProcedureCategory,
    pub description: String,
    /// Phrases that signal the service was done.
    pub terms: Vec<String>,
}

/// The procedure codes the engine can suggest.
#[derive(Debug, Clone, Default)]
pub struct ProcedureTable {
    procedures: Vec<Procedure>,
}

impl ProcedureTable {
    /// Parses `code <TAB> system <TAB> category <TAB> description <TAB> terms` lines.
    pub fn from_tsv(file: &str, text: &str) -> Result<ProcedureTable, BuildError> {
        let mut procedures: Vec<Procedure> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |reason: String| BuildError::DataFile { file: file.into(), line: i + 1, reason };
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() != 5 {
                return Err(bad("expected `code<TAB>system<TAB>category<TAB>description<TAB>terms`".into()));
            }
            let code = cols[0].trim();
            if code.len() != 5 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(bad(format!("{code:?} is not a five-character procedure code")));
            }
            let system = cols[1].trim();
            if system != "CPT" && system != "HCPCS" {
                return Err(bad(format!("system must be CPT or HCPCS, not {system:?}")));
            }
            let category = ProcedureCategory::parse(cols[2].trim())
                .ok_or_else(|| bad(format!("unknown category {:?}", cols[2])))?;
            let terms: Vec<String> =
                cols[4].split('|').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect();
            if procedures.iter().any(|p| p.code == code) {
                return Err(bad(format!("code {code} listed twice")));
            }
            procedures.push(Procedure {
                code: code.to_string(),
                system: system.to_string(),
                category,
                description: cols[3].trim().to_string(),
                terms,
            });
        }
        Ok(ProcedureTable { procedures })
    }

    /// The table shipped with the binary.
    pub fn embedded() -> Result<ProcedureTable, BuildError> {
        let (file, text) = crate::models::CPT_STARTER;
        ProcedureTable::from_tsv(file, text)
    }

    /// Replaces descriptions with a licensed descriptor file (`code <TAB> descriptor` per line, as in the AMA's
    /// data files; a header line or codes the table does not list are skipped). Returns how many were replaced.
    pub fn apply_descriptors(&mut self, reader: impl BufRead) -> Result<usize, BuildError> {
        let mut replaced = 0;
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| BuildError::DataFile {
                file: "--cpt-file".into(),
                line: i + 1,
                reason: e.to_string(),
            })?;
            let Some((code, descriptor)) = line.split_once('\t') else { continue };
            let (code, descriptor) = (code.trim(), descriptor.trim());
            if descriptor.is_empty() {
                continue;
            }
            if let Some(p) = self.procedures.iter_mut().find(|p| p.code == code) {
                p.description = descriptor.to_string();
                replaced += 1;
            }
        }
        Ok(replaced)
    }

    pub fn procedures(&self) -> &[Procedure] {
        &self.procedures
    }

    pub fn get(&self, code: &str) -> Option<&Procedure> {
        self.procedures.iter().find(|p| p.code == code)
    }

    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.procedures.iter().position(|p| p.code == code)
    }

    pub fn len(&self) -> usize {
        self.procedures.len()
    }

    pub fn is_empty(&self) -> bool {
        self.procedures.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_replaces_descriptors() {
        let mut t = ProcedureTable::from_tsv(
            "t",
            "# c\n93000\tCPT\tcardiology\tECG with report\tECG|EKG\n99213\tCPT\tem_office_established\tvisit\t\n",
        )
        .unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.get("93000").unwrap().terms, vec!["ECG", "EKG"]);
        assert!(t.get("99213").unwrap().category.is_em());
        let n = t
            .apply_descriptors("code\tdescriptor\n93000\tLicensed descriptor text\n12345\tother\n".as_bytes())
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(t.get("93000").unwrap().description, "Licensed descriptor text");
        assert!(ProcedureTable::from_tsv("t", "9300\tCPT\tlab\tx\ty\n").is_err());
        assert!(ProcedureTable::from_tsv("t", "93000\tAMA\tlab\tx\ty\n").is_err());
    }

    #[test]
    fn the_starter_table_is_large_enough() {
        let t = ProcedureTable::embedded().unwrap();
        assert!(t.len() >= 150, "{}", t.len());
        for code in [
            "99202", "99205", "99212", "99215", "99417", "93000", "71046", "45380", "43239", "94010", "20610", "12001",
            "10060", "11104", "36415", "90471",
        ] {
            assert!(t.get(code).is_some(), "{code}");
        }
    }
}
