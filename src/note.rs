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

/// A clinical note to code. `text` is PHI: it never reaches a log line or an error message.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Note {
    /// The caller's identifier, echoed in the result.
    pub id: String,
    pub text: String,
    pub setting: Setting,
}

impl Note {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Note {
        Note { id: id.into(), text: text.into(), setting: Setting::default() }
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
            .finish()
    }
}
