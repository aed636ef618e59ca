//! The input of the engine: one clinical note and the circumstances of its encounter.
use serde::{Deserialize, Serialize};

/// The encounter setting. It decides how uncertain diagnoses are coded: inpatient records code "probable X" as
/// X; outpatient and emergency records code the signs and symptoms instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Setting {
    #[default]
    Outpatient,
    Inpatient,
    Emergency,
}

impl Setting {
    pub fn as_str(self) -> &'static str {
        match self {
            Setting::Outpatient => "outpatient",
            Setting::Inpatient => "inpatient",
            Setting::Emergency => "emergency",
        }
    }
}

impl std::str::FromStr for Setting {
    type Err = String;

    fn from_str(s: &str) -> Result<Setting, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "outpatient" => Ok(Setting::Outpatient),
            "inpatient" => Ok(Setting::Inpatient),
            "emergency" => Ok(Setting::Emergency),
            _ => Err("setting must be \"inpatient\", \"outpatient\" or \"emergency\"".to_string()),
        }
    }
}

/// Whether the patient is new to the practice or established (office E/M codes differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatientStatus {
    New,
    Established,
}

impl PatientStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PatientStatus::New => "new",
            PatientStatus::Established => "established",
        }
    }
}

impl std::str::FromStr for PatientStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<PatientStatus, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "new" => Ok(PatientStatus::New),
            "established" => Ok(PatientStatus::Established),
            _ => Err("patient_status must be \"new\" or \"established\"".to_string()),
        }
    }
}

/// A clinical note to code. `text` is PHI: it never reaches a log line or an error message.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Note {
    /// The caller's identifier, echoed in the result.
    pub id: String,
    pub text: String,
    pub setting: Setting,
    /// New or established patient, when the caller knows; otherwise read from the note.
    pub patient_status: Option<PatientStatus>,
}

impl Note {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Note {
        Note { id: id.into(), text: text.into(), setting: Setting::default(), patient_status: None }
    }

    pub fn with_setting(mut self, setting: Setting) -> Note {
        self.setting = setting;
        self
    }
}

/// Debug output shows the size of the text, never the text.
impl std::fmt::Debug for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Note")
            .field("id", &self.id)
            .field("text_bytes", &self.text.len())
            .field("setting", &self.setting)
            .field("patient_status", &self.patient_status)
            .finish()
    }
}
