//! The ICD-10-CM code set: every code of the tabular list, its hierarchy and the notes coders read.
//!
//! Input: the CDC/NCHS tabular XML (any `impl BufRead`; the CLI finds the file). Output: an immutable, indexed
//! [`CodeSet`], built once at start-up and shared behind `Arc` by every request.
//!
//! Invariants:
//! * Codes are upper case with the dot ("I50.23"); 7th-character extensions are expanded into codes of their
//!   own with placeholder X where needed ("T36.0X1A", "T07.XXXA"), so every billable code is a [`Code`].
//! * A code is billable exactly when it is a leaf of the expanded hierarchy (categories and subcategories are
//!   never valid on a claim).
//! * Notes are stored where the tabular writes them; [`CodeSet::notes_in_force`] walks up the hierarchy (code,
//!   ancestors, block, chapter) because a category's notes apply to every code below it.
//! * The version label ("ICD-10-CM 2026-04") travels with the set and is reported in every response.
//!
//! Why a flat `Vec<Code>` with `u32` ids: ~98,000 codes load in one pass with parent/child links as indices,
//! lookups by code go through one hash map, and everything downstream (lexicon terms, candidates) refers to codes
//! by a copyable id instead of by string.
mod notes;
mod procedures;
mod severity;
mod tabular;

use std::collections::HashMap;
use std::io::BufRead;

pub use notes::{CodeRef, Note, NoteKind};
pub use procedures::{Procedure, ProcedureCategory, ProcedureTable};
pub use severity::{Severity, SeverityLists};

use crate::error::BuildError;

/// Index of a code in its [`CodeSet`].
pub type CodeId = u32;

/// The code system name used in responses.
pub const ICD10CM: &str = "ICD-10-CM";

/// A chapter of the tabular ("9", "Diseases of the circulatory system (I00-I99)").
#[derive(Debug, Clone, Default)]
pub struct Chapter {
    pub number: String,
    pub title: String,
    pub notes: Vec<Note>,
}

/// A block (section) of categories ("I30-I5A", "Other forms of heart disease").
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub id: String,
    pub title: String,
    pub chapter: u16,
    pub notes: Vec<Note>,
}

/// One entry of a 7th-character table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SevenChar {
    pub character: char,
    pub description: String,
    /// Other wordings the tabular gives for the same character ("initial encounter for open fracture NOS").
    pub also: Vec<String>,
}

/// A 7th-character table and the code that defines it.
#[derive(Debug, Clone)]
pub struct SevenCharTable {
    pub owner: CodeId,
    pub chars: Vec<SevenChar>,
}

/// One code: category, subcategory or billable code, including expanded 7th-character codes.
#[derive(Debug, Clone, Default)]
pub struct Code {
    /// Upper case with the dot: "S72.001A".
    pub code: String,
    /// The tabular description; for an expanded code, the base description and the 7th character's meaning.
    pub description: String,
    pub billable: bool,
    pub parent: Option<CodeId>,
    pub children: Vec<CodeId>,
    /// Index into [`CodeSet::chapters`].
    pub chapter: u16,
    /// Index into [`CodeSet::blocks`].
    pub block: u16,
    /// Notes written at this code (not inherited ones).
    pub notes: Vec<Note>,
    /// The 7th-character table in force at this code, if its codes need one.
    pub seven: Option<u32>,
    /// The 7th character, for a code expanded from a table.
    pub extension: Option<char>,
    /// The code carries a placeholder X (in the tabular or added by expansion).
    pub placeholder: bool,
}

impl Code {
    /// The three-character category ("I50" for "I50.23").
    pub fn category(&self) -> &str {
        &self.code[..self.code.len().min(3)]
    }

    /// Characters after the category, not counting the dot: 0 for a category, 4 for "S72.001A".
    pub fn depth(&self) -> usize {
        self.code.len().saturating_sub(4)
    }

    /// Notes of one kind written at this code.
    pub fn notes_of(&self, kind: NoteKind) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(move |n| n.kind == kind)
    }
}

/// Where a note in force is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteSource {
    Code(CodeId),
    Block(u16),
    Chapter(u16),
}

/// The loaded, indexed code set. Immutable once built.
#[derive(Debug)]
pub struct CodeSet {
    version: String,
    chapters: Vec<Chapter>,
    blocks: Vec<Block>,
    codes: Vec<Code>,
    seven: Vec<SevenCharTable>,
    index: HashMap<String, CodeId>,
    billable: usize,
}

impl CodeSet {
    /// Parses a CDC tabular XML file. `version` is the label reported in responses ("ICD-10-CM 2026-04").
    pub fn from_tabular_xml(reader: impl BufRead, version: &str) -> Result<CodeSet, BuildError> {
        tabular::parse(reader, version)
    }

    fn assemble(
        version: String,
        chapters: Vec<Chapter>,
        blocks: Vec<Block>,
        mut codes: Vec<Code>,
        seven: Vec<SevenCharTable>,
    ) -> Result<CodeSet, BuildError> {
        let mut index = HashMap::with_capacity(codes.len());
        for (id, code) in codes.iter().enumerate() {
            if index.insert(code.code.clone(), id as CodeId).is_some() {
                return Err(BuildError::Tabular(format!("code {} appears twice", code.code)));
            }
        }
        for id in 0..codes.len() {
            if let Some(parent) = codes[id].parent {
                codes[parent as usize].children.push(id as CodeId);
            }
        }
        let billable = codes.iter().filter(|c| c.billable).count();
        Ok(CodeSet { version, chapters, blocks, codes, seven, index, billable })
    }

    /// "ICD-10-CM 2026-04".
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Every code, categories and subcategories included.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    pub fn billable_count(&self) -> usize {
        self.billable
    }

    pub fn codes(&self) -> &[Code] {
        &self.codes
    }

    pub fn chapters(&self) -> &[Chapter] {
        &self.chapters
    }

    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    pub fn code(&self, id: CodeId) -> &Code {
        &self.codes[id as usize]
    }

    /// Finds a code written any common way: "I50.23", "i50.23", "I5023", " I50.23 ".
    pub fn id_of(&self, code: &str) -> Option<CodeId> {
        self.index.get(&canonical_code(code)?).copied()
    }

    pub fn get(&self, code: &str) -> Option<&Code> {
        self.id_of(code).map(|id| self.code(id))
    }

    pub fn chapter_of(&self, id: CodeId) -> &Chapter {
        &self.chapters[self.code(id).chapter as usize]
    }

    pub fn block_of(&self, id: CodeId) -> &Block {
        &self.blocks[self.code(id).block as usize]
    }

    /// Every 7th-character table, indexed by [`Code::seven`].
    pub fn seven_char_tables(&self) -> &[SevenCharTable] {
        &self.seven
    }

    /// The 7th-character table in force at a code, if any.
    pub fn seven_char_table(&self, id: CodeId) -> Option<&SevenCharTable> {
        self.code(id).seven.map(|t| &self.seven[t as usize])
    }

    /// The code and its ancestors, nearest first.
    pub fn ancestors(&self, id: CodeId) -> impl Iterator<Item = CodeId> + '_ {
        std::iter::successors(Some(id), move |&c| self.code(c).parent)
    }

    /// Every note that applies to a code: its own, then each ancestor's, then its block's and chapter's.
    pub fn notes_in_force(&self, id: CodeId) -> impl Iterator<Item = (NoteSource, &Note)> + '_ {
        let code = self.code(id);
        let block = code.block;
        let chapter = code.chapter;
        self.ancestors(id)
            .flat_map(move |c| self.code(c).notes.iter().map(move |n| (NoteSource::Code(c), n)))
            .chain(self.blocks[block as usize].notes.iter().map(move |n| (NoteSource::Block(block), n)))
            .chain(self.chapters[chapter as usize].notes.iter().map(move |n| (NoteSource::Chapter(chapter), n)))
    }

    /// The name of a note's source as coders write it: a code, a block range, or "chapter 9".
    pub fn source_label(&self, source: NoteSource) -> String {
        match source {
            NoteSource::Code(c) => self.code(c).code.clone(),
            NoteSource::Block(b) => self.blocks[b as usize].id.clone(),
            NoteSource::Chapter(c) => format!("chapter {}", self.chapters[c as usize].number),
        }
    }

    /// Billable codes at or below a code, in tabular order.
    pub fn billable_descendants(&self, id: CodeId) -> Vec<CodeId> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(c) = stack.pop() {
            let code = self.code(c);
            if code.billable {
                out.push(c);
            }
            stack.extend(code.children.iter().rev());
        }
        out
    }
}

/// Canonical form of a code as written by a person: upper case, dot after the third character.
/// Returns `None` for strings that cannot be a code (wrong length or characters).
pub fn canonical_code(code: &str) -> Option<String> {
    let undotted: String = code.trim().chars().filter(|&c| c != '.').collect::<String>().to_ascii_uppercase();
    let b = undotted.as_bytes();
    if !(3..=7).contains(&b.len())
        || !b[0].is_ascii_uppercase()
        || !b[1].is_ascii_digit()
        || !b.iter().all(u8::is_ascii_alphanumeric)
    {
        return None;
    }
    let mut out = undotted[..3].to_string();
    if undotted.len() > 3 {
        out.push('.');
        out.push_str(&undotted[3..]);
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A miniature tabular written for these tests, in the CDC file's shape.
    pub(crate) const MINI: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2026</version>
  <introduction><introSection type="title"><title>ICD-10-CM</title></introSection></introduction>
  <chapter>
    <name>9</name>
    <desc>Diseases of the circulatory system (I00-I99)</desc>
    <excludes2><note>certain conditions originating in the perinatal period (P04-P96)</note></excludes2>
    <sectionIndex><sectionRef first="I30" last="I5A" id="I30-I5A">Other forms of heart disease</sectionRef></sectionIndex>
    <section id="I30-I5A">
      <desc>Other forms of heart disease (I30-I5A)</desc>
      <diag>
        <name>I50</name>
        <desc>Heart failure</desc>
        <codeFirst><note>heart failure due to hypertension (I11.0)</note></codeFirst>
        <diag>
          <name>I50.2</name>
          <desc>Systolic (congestive) heart failure</desc>
          <inclusionTerm><note>Heart failure with reduced ejection fraction [HFrEF]</note></inclusionTerm>
          <excludes1><note>combined systolic and diastolic heart failure (I50.4-)</note></excludes1>
          <diag><name>I50.21</name><desc>Acute systolic (congestive) heart failure</desc></diag>
          <diag><name>I50.23</name><desc>Acute on chronic systolic (congestive) heart failure</desc></diag>
        </diag>
        <diag><name>I50.9</name><desc>Heart failure, unspecified</desc></diag>
      </diag>
    </section>
  </chapter>
  <chapter>
    <name>19</name>
    <desc>Injury, poisoning (S00-T88)</desc>
    <section id="S70-S79">
      <desc>Injuries to the hip and thigh (S70-S79)</desc>
      <diag>
        <name>S72</name>
        <desc>Fracture of femur</desc>
        <sevenChrNote><note>The appropriate 7th character is to be added to all codes from category S72</note></sevenChrNote>
        <sevenChrDef>
          <extension char="A">initial encounter for closed fracture</extension>
          <extension char="B">initial encounter for open fracture type I or II</extension>
          <note>	initial encounter for open fracture NOS</note>
          <extension char="S">sequela</extension>
        </sevenChrDef>
        <diag>
          <name>S72.00</name>
          <desc>Fracture of unspecified part of neck of femur</desc>
          <diag><name>S72.001</name><desc>Fracture of unspecified part of neck of right femur</desc></diag>
        </diag>
      </diag>
    </section>
    <section id="T07-T07">
      <desc>Injuries involving multiple body regions (T07)</desc>
      <diag>
        <name>T07</name>
        <desc>Unspecified multiple injuries</desc>
        <sevenChrDef>
          <extension char="A">initial encounter</extension>
        </sevenChrDef>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"#;

    fn mini() -> CodeSet {
        CodeSet::from_tabular_xml(MINI.as_bytes(), "ICD-10-CM test").expect("mini tabular parses")
    }

    #[test]
    fn hierarchy_and_billable_flags() {
        let cs = mini();
        assert!(!cs.get("I50").unwrap().billable);
        assert!(!cs.get("I50.2").unwrap().billable);
        assert!(cs.get("I50.23").unwrap().billable);
        let i5023 = cs.id_of("i5023").unwrap();
        assert_eq!(cs.code(cs.code(i5023).parent.unwrap()).code, "I50.2");
        assert_eq!(cs.block_of(i5023).id, "I30-I5A");
        assert_eq!(cs.chapter_of(i5023).number, "9");
    }

    #[test]
    fn seventh_characters_expand_with_placeholders() {
        let cs = mini();
        let a = cs.get("S72.001A").expect("S72.001A");
        assert!(a.billable);
        assert_eq!(
            a.description,
            "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
        );
        assert!(!cs.get("S72.001").unwrap().billable);
        assert!(cs.get("T07.XXXA").unwrap().billable);
        assert!(cs.get("T07.XXXA").unwrap().placeholder);
        assert!(!a.placeholder);
        let table = cs.seven_char_table(cs.id_of("S72.001").unwrap()).unwrap();
        assert_eq!(table.chars[1].also, vec!["initial encounter for open fracture NOS".to_string()]);
        // Billable: I50.21, I50.23, I50.9, S72.001A/B/S, T07.XXXA.
        assert_eq!(cs.billable_count(), 7);
    }

    #[test]
    fn notes_are_inherited_down_the_hierarchy() {
        let cs = mini();
        let id = cs.id_of("I50.23").unwrap();
        let excludes1: Vec<_> = cs
            .notes_in_force(id)
            .filter(|(_, n)| n.kind == NoteKind::Excludes1)
            .map(|(s, n)| (cs.source_label(s), n.text.clone()))
            .collect();
        assert_eq!(
            excludes1,
            vec![("I50.2".to_string(), "combined systolic and diastolic heart failure (I50.4-)".to_string())]
        );
        let kinds: Vec<_> = cs.notes_in_force(id).map(|(_, n)| n.kind).collect();
        assert!(kinds.contains(&NoteKind::CodeFirst));
        assert!(kinds.contains(&NoteKind::Excludes2), "chapter notes apply too");
    }

    #[test]
    fn canonical_codes() {
        assert_eq!(canonical_code(" i5023 ").as_deref(), Some("I50.23"));
        assert_eq!(canonical_code("E11").as_deref(), Some("E11"));
        assert_eq!(canonical_code("I50.23").as_deref(), Some("I50.23"));
        assert_eq!(canonical_code("heart"), None);
        assert_eq!(canonical_code("I5"), None);
    }

    #[test]
    fn malformed_input_is_a_build_error() {
        assert!(CodeSet::from_tabular_xml(&b"<html></html>"[..], "x").is_err());
        assert!(CodeSet::from_tabular_xml(&b"<ICD10CM.tabular><chapter>"[..], "x").is_err());
        assert!(CodeSet::from_tabular_xml(&b"\xff\xfe garbage"[..], "x").is_err());
    }
}
