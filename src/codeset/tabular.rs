//! Streaming parser for the CDC/NCHS ICD-10-CM tabular XML (`icd10cm_tabular_YYYY.xml`).
//!
//! The file is ~10 MB; a streaming pass (quick-xml events, one reusable buffer) builds the code set directly,
//! with no DOM, so that loading stays far under a second. Structure handled:
//! `chapter > section > diag > diag ...`, each with `name`, `desc`, note containers (`includes`,
//! `inclusionTerm`, `excludes1`, ...) holding `note`s, and `sevenChrDef` tables of `extension`s. Everything else
//! (introduction, section index, the visual-impairment table under H54) is skipped.
//!
//! 7th characters are expanded while parsing: when a leaf `diag` closes and a 7th-character table is in force
//! (its own or the nearest ancestor's), the leaf is padded with placeholder X to six characters and one billable
//! code per table entry is appended, e.g. T36.0X1 -> T36.0X1A. The one exception the tabular states only in prose
//! ("7th characters D and S do not apply to codes in category S06 with 6th character 7 ... or 8 ...") is read
//! from the note text itself ([`SeventhCharRestriction`]), so a later release with such notes loads unchanged.
use std::io::BufRead;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::notes::{Note, NoteKind};
use super::{Block, Chapter, Code, CodeId, CodeSet, SevenChar, SevenCharTable};
use crate::error::BuildError;

/// Where the element being read belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Chapter(usize),
    Block(usize),
    Code(CodeId),
}

/// An open `diag` element and what is in force at its level.
struct OpenDiag {
    id: CodeId,
    seven: Option<u32>,
    restrictions: Vec<SeventhCharRestriction>,
    has_children: bool,
}

/// "7th characters D and S do not apply to codes in category S06 with 6th character 7 ... or 8 ...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SeventhCharRestriction {
    pub(crate) sevenths: Vec<char>,
    pub(crate) sixths: Vec<char>,
}

impl SeventhCharRestriction {
    /// Reads a restriction out of a note's prose, if the note states one.
    pub(crate) fn parse(text: &str) -> Option<SeventhCharRestriction> {
        let lower = text.to_ascii_lowercase();
        let head = lower.strip_prefix("7th character")?;
        let (chars_part, rest) = head.split_once("do not apply")?;
        let sevenths: Vec<char> = text["7th character".len()..][..chars_part.len()]
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() == 1)
            .filter_map(|w| w.chars().next())
            .filter(|c| c.is_ascii_uppercase())
            .collect();
        let (_, sixth_part) = rest.split_once("6th character")?;
        // "7 - death due to ..., or 8 - death due to ...": the characters are the ones followed by " -".
        let sixths: Vec<char> = sixth_part
            .split(',')
            .flat_map(|clause| clause.split(" or "))
            .filter_map(|clause| {
                let clause = clause.trim();
                let mut chars = clause.chars();
                let c = chars.next()?;
                (c.is_ascii_alphanumeric() && chars.as_str().trim_start().starts_with('-')).then_some(c)
            })
            .collect();
        (!sevenths.is_empty() && !sixths.is_empty()).then_some(SeventhCharRestriction { sevenths, sixths })
    }

    fn forbids(&self, base: &str, seventh: char) -> bool {
        let sixth = base.chars().filter(|&c| c != '.').nth(5);
        sixth.is_some_and(|s| self.sixths.contains(&s)) && self.sevenths.contains(&seventh)
    }
}

/// Parses a tabular XML file into a [`CodeSet`] labelled `version` (e.g. "ICD-10-CM 2026-04").
pub fn parse(reader: impl BufRead, version: &str) -> Result<CodeSet, BuildError> {
    Parser::default().run(reader, version)
}

#[derive(Default)]
struct Parser {
    chapters: Vec<Chapter>,
    blocks: Vec<Block>,
    codes: Vec<Code>,
    seven: Vec<SevenCharTable>,
    /// Element names from the root to the current element.
    path: Vec<Vec<u8>>,
    diags: Vec<OpenDiag>,
    /// Note container being read and whose it is.
    container: Option<(NoteKind, Owner)>,
    /// 7th-character table being read.
    table: Option<Vec<SevenChar>>,
    extension_char: Option<char>,
    text: String,
    capturing: bool,
}

fn xml_error(reader_pos: u64, e: impl std::fmt::Display) -> BuildError {
    BuildError::Tabular(format!("malformed XML near byte {reader_pos}: {e}"))
}

impl Parser {
    fn run(mut self, input: impl BufRead, version: &str) -> Result<CodeSet, BuildError> {
        let mut reader = Reader::from_reader(input);
        let mut buf = Vec::with_capacity(4096);
        let mut saw_root = false;
        loop {
            let pos = reader.buffer_position();
            let event = reader.read_event_into(&mut buf).map_err(|e| xml_error(pos, e))?;
            match event {
                Event::Start(e) => {
                    if e.name().as_ref() == b"ICD10CM.tabular" {
                        saw_root = true;
                    }
                    self.start(&e)?;
                    self.path.push(e.name().as_ref().to_vec());
                }
                Event::Empty(e) => {
                    // An empty element opens and closes at once.
                    self.start(&e)?;
                    self.path.push(e.name().as_ref().to_vec());
                    self.end()?;
                    self.path.pop();
                }
                Event::End(_) => {
                    self.end()?;
                    self.path.pop();
                }
                Event::Text(t) if self.capturing => {
                    let s = t.decode().map_err(|e| xml_error(pos, e))?;
                    self.text.push_str(&s);
                }
                Event::CData(t) if self.capturing => {
                    let s = t.decode().map_err(|e| xml_error(pos, e))?;
                    self.text.push_str(&s);
                }
                Event::GeneralRef(r) if self.capturing => {
                    if let Some(c) = r.resolve_char_ref().map_err(|e| xml_error(pos, e))? {
                        self.text.push(c);
                    } else {
                        let name = r.decode().map_err(|e| xml_error(pos, e))?;
                        self.text.push_str(match name.as_ref() {
                            "lt" => "<",
                            "gt" => ">",
                            "amp" => "&",
                            "quot" => "\"",
                            "apos" => "'",
                            other => {
                                return Err(xml_error(pos, format!("unknown entity &{other};")));
                            }
                        });
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        if !saw_root {
            return Err(BuildError::Tabular("not an ICD-10-CM tabular file (no <ICD10CM.tabular> root)".into()));
        }
        if self.codes.is_empty() {
            return Err(BuildError::Tabular("the file holds no codes".into()));
        }
        if let Some(c) = self.codes.iter().find(|c| c.code.is_empty() || c.description.is_empty()) {
            return Err(BuildError::Tabular(format!("a code without name or description (near {:?})", c.code)));
        }
        CodeSet::assemble(version.to_string(), self.chapters, self.blocks, self.codes, self.seven)
    }

    fn parent_name(&self) -> &[u8] {
        self.path.last().map(Vec::as_slice).unwrap_or(b"")
    }

    /// The chapter, section or diag that owns the current element (the element's parent).
    fn owner_of_parent(&self) -> Option<Owner> {
        match self.parent_name() {
            b"chapter" => self.chapters.len().checked_sub(1).map(Owner::Chapter),
            b"section" => self.blocks.len().checked_sub(1).map(Owner::Block),
            b"diag" => self.diags.last().map(|d| Owner::Code(d.id)),
            _ => None,
        }
    }

    fn start(&mut self, e: &BytesStart<'_>) -> Result<(), BuildError> {
        let name = e.name();
        let name = name.as_ref();
        match name {
            b"chapter" if self.parent_name() == b"ICD10CM.tabular" => {
                self.chapters.push(Chapter::default());
            }
            b"section" if self.parent_name() == b"chapter" => {
                let id = attr(e, b"id")?.unwrap_or_default();
                let chapter = self.chapters.len().saturating_sub(1) as u16;
                self.blocks.push(Block { id, chapter, ..Block::default() });
            }
            b"diag" if matches!(self.parent_name(), b"section" | b"diag") => {
                let parent = self.diags.last();
                let parent_id = parent.map(|d| d.id);
                let seven = parent.and_then(|d| d.seven);
                let restrictions = parent.map(|d| d.restrictions.clone()).unwrap_or_default();
                if let Some(p) = self.diags.last_mut() {
                    p.has_children = true;
                }
                let id = self.codes.len() as CodeId;
                // A placeholder X written at a subcategory ("T36.0X") stays in every code below it.
                let inherited_placeholder = parent_id.is_some_and(|p| self.codes[p as usize].placeholder);
                self.codes.push(Code {
                    parent: parent_id,
                    chapter: self.chapters.len().saturating_sub(1) as u16,
                    block: self.blocks.len().saturating_sub(1) as u16,
                    placeholder: inherited_placeholder || attr(e, b"placeholder")?.as_deref() == Some("true"),
                    ..Code::default()
                });
                self.diags.push(OpenDiag { id, seven, restrictions, has_children: false });
            }
            b"name" | b"desc" if self.owner_of_parent().is_some() => self.begin_text(),
            b"sevenChrDef" if self.parent_name() == b"diag" => self.table = Some(Vec::new()),
            b"extension" if self.table.is_some() => {
                self.extension_char = attr(e, b"char")?.and_then(|s| s.chars().next());
                self.begin_text();
            }
            b"note" if self.table.is_some() => self.begin_text(),
            b"note" if self.container.is_some() => self.begin_text(),
            _ => {
                if let Some(kind) = NoteKind::from_element(name)
                    && let Some(owner) = self.owner_of_parent()
                {
                    self.container = Some((kind, owner));
                }
            }
        }
        Ok(())
    }

    fn begin_text(&mut self) {
        self.text.clear();
        self.capturing = true;
    }

    fn take_text(&mut self) -> String {
        self.capturing = false;
        let text = std::mem::take(&mut self.text);
        collapse_whitespace(&text)
    }

    fn end(&mut self) -> Result<(), BuildError> {
        let name = self.path.last().cloned().unwrap_or_default();
        // The element's parent is one below the top of the path.
        let parent: Vec<u8> = if self.path.len() >= 2 { self.path[self.path.len() - 2].clone() } else { Vec::new() };
        match name.as_slice() {
            b"name" | b"desc" if self.capturing => {
                let text = self.take_text();
                let is_name = name.as_slice() == b"name";
                match parent.as_slice() {
                    b"chapter" => {
                        if let Some(c) = self.chapters.last_mut() {
                            if is_name { c.number = text } else { c.title = text }
                        }
                    }
                    b"section" => {
                        if let Some(b) = self.blocks.last_mut()
                            && !is_name
                        {
                            b.title = text;
                        }
                    }
                    b"diag" => {
                        if let Some(d) = self.diags.last() {
                            let code = &mut self.codes[d.id as usize];
                            if is_name { code.code = text.to_ascii_uppercase() } else { code.description = text }
                        }
                    }
                    _ => {}
                }
            }
            b"extension" if self.capturing => {
                let description = self.take_text();
                if let (Some(table), Some(character)) = (self.table.as_mut(), self.extension_char.take()) {
                    table.push(SevenChar { character, description, also: Vec::new() });
                }
            }
            b"note" if self.capturing => {
                let text = self.take_text();
                if let Some(table) = self.table.as_mut() {
                    // A bare note inside a 7th-character table is another wording of the entry above it
                    // ("initial encounter for open fracture NOS" under B).
                    if let Some(last) = table.last_mut() {
                        last.also.push(text);
                    }
                } else if let Some((kind, owner)) = self.container
                    && !text.is_empty()
                {
                    if kind == NoteKind::Note
                        && let (Some(r), Owner::Code(_)) = (SeventhCharRestriction::parse(&text), owner)
                        && let Some(d) = self.diags.last_mut()
                    {
                        d.restrictions.push(r);
                    }
                    let note = Note::new(kind, text);
                    match owner {
                        Owner::Chapter(i) => self.chapters[i].notes.push(note),
                        Owner::Block(i) => self.blocks[i].notes.push(note),
                        Owner::Code(id) => self.codes[id as usize].notes.push(note),
                    }
                }
            }
            b"sevenChrDef" => {
                if let (Some(chars), Some(d)) = (self.table.take(), self.diags.last_mut()) {
                    let table_id = self.seven.len() as u32;
                    self.seven.push(SevenCharTable { owner: d.id, chars });
                    d.seven = Some(table_id);
                }
            }
            b"diag" => {
                if let Some(d) = self.diags.pop() {
                    self.close_diag(d);
                }
            }
            other => {
                if NoteKind::from_element(other).is_some() && self.owner_of_parent_at_end() {
                    self.container = None;
                }
            }
        }
        Ok(())
    }

    /// When a note container closes, its parent is a chapter, section or diag.
    fn owner_of_parent_at_end(&self) -> bool {
        self.path.len() >= 2 && matches!(self.path[self.path.len() - 2].as_slice(), b"chapter" | b"section" | b"diag")
    }

    fn close_diag(&mut self, d: OpenDiag) {
        self.codes[d.id as usize].seven = d.seven;
        if d.has_children {
            return;
        }
        let Some(table_id) = d.seven else {
            self.codes[d.id as usize].billable = true;
            return;
        };
        // A leaf under a 7th-character table: the leaf itself is not billable; its extensions are.
        let base = self.codes[d.id as usize].clone();
        let padded = pad_with_placeholder(&base.code);
        let table = &self.seven[table_id as usize];
        let mut children = Vec::with_capacity(table.chars.len());
        for ext in &table.chars {
            if d.restrictions.iter().any(|r| r.forbids(&base.code, ext.character)) {
                continue;
            }
            let id = (self.codes.len() + children.len()) as CodeId;
            children.push((
                id,
                Code {
                    code: format!("{padded}{}", ext.character),
                    description: format!("{}, {}", base.description, ext.description),
                    billable: true,
                    parent: Some(d.id),
                    children: Vec::new(),
                    chapter: base.chapter,
                    block: base.block,
                    notes: Vec::new(),
                    seven: Some(table_id),
                    extension: Some(ext.character),
                    placeholder: base.placeholder
                        || padded.len() > base.code.len() + usize::from(!base.code.contains('.')),
                },
            ));
        }
        for (_, code) in children {
            self.codes.push(code);
        }
    }
}

/// "T36.0X1" stays; "T07" -> "T07.XXX"; "S00.01" -> "S00.01X": six characters plus the dot before the 7th.
fn pad_with_placeholder(code: &str) -> String {
    let mut padded = code.to_string();
    if !padded.contains('.') {
        padded.push('.');
    }
    while padded.len() < 7 {
        padded.push('X');
    }
    padded
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn attr(e: &BytesStart<'_>, key: &[u8]) -> Result<Option<String>, BuildError> {
    for a in e.attributes() {
        let a = a.map_err(|err| BuildError::Tabular(format!("bad attribute: {err}")))?;
        if a.key.as_ref() == key {
            let v = a.unescape_value().map_err(|err| BuildError::Tabular(format!("bad attribute value: {err}")))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_padding() {
        assert_eq!(pad_with_placeholder("T36.0X1"), "T36.0X1");
        assert_eq!(pad_with_placeholder("T07"), "T07.XXX");
        assert_eq!(pad_with_placeholder("S00.01"), "S00.01X");
        assert_eq!(pad_with_placeholder("S72.001"), "S72.001");
    }

    #[test]
    fn reads_the_s06_restriction_from_prose() {
        let r = SeventhCharRestriction::parse(
            "7th characters D and S do not apply to codes in category S06 with 6th character 7 - death due to \
             brain injury prior to regaining consciousness, or 8 - death due to other cause prior to regaining \
             consciousness.",
        )
        .expect("restriction");
        assert_eq!(r.sevenths, vec!['D', 'S']);
        assert_eq!(r.sixths, vec!['7', '8']);
        assert!(r.forbids("S06.0X7", 'D'));
        assert!(!r.forbids("S06.0X7", 'A'));
        assert!(!r.forbids("S06.0X1", 'D'));
        assert_eq!(SeventhCharRestriction::parse("A fracture not indicated as open should be coded to closed"), None);
    }
}
