//! Assertion: is a mentioned condition present, denied, uncertain, hypothetical, past, or someone else's?
//!
//! Input: a tokenized [`Document`] and the token range of a mention. Output: an [`Assertion`] with five flags.
//!
//! This is ConText (Harkema et al., 2009) over the analyzer's tokens, with the trigger list written by the
//! project in `models/context/triggers.tsv`:
//! * a trigger has a category (negated, uncertain, hypothetical, historical, family) and a direction: it governs
//!   the words after it ("denies ..."), before it ("... was ruled out"), or both;
//! * a scope runs from the trigger to the end of the sentence or list item, and stops earlier at a terminator
//!   ("but", "however", "which", "presents", "he"...), at a semicolon, or at another trigger (a negation reaches
//!   through a history trigger it governs: "denies any history of asthma");
//!   backward scopes reach at most eight tokens, and none when a two-way trigger set off by a comma has words
//!   after it to govern ("chest pain, likely GERD": only GERD is uncertain);
//! * pseudo-triggers ("no increase", "not only", "gram negative") contain a trigger but are not one: triggers are
//!   matched longest-first, so a pseudo-trigger hides the trigger inside it;
//! * lists need nothing special: "denies fever, chills or cough" is one scope covering all three;
//! * sections set defaults: everything under "Family history" is a relative's, everything under "Past medical
//!   history", "Past surgical history", "Social history" or "Allergies" is historical (allergies are a status,
//!   coded as history). A header written inline with its text ("Family history: uncle with ALS.") sets the
//!   default for that text only (its line, the lines finishing its sentence, the list items under it): narrative
//!   notes label one statement that way and never close the section;
//! * a trigger inside the mention is part of what the mention names ("diverticulosis without diverticulitis"
//!   is not a negated diverticulosis).
//!
//! Why rules and not a model here: the behaviour must be explainable to a coder ("negated by 'denies'") and
//! fixable by editing a list, and ConText-style rules are known to reach the accuracy clinical coding needs on
//! negation.
use std::collections::HashMap;

use serde::Serialize;

use crate::error::BuildError;
use crate::text::phrases::{PhraseSet, PhraseSetBuilder, longest_non_overlapping};
use crate::text::{Analyzer, Document, SectionKind};

/// The five assertion flags of a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Assertion {
    pub negated: bool,
    pub uncertain: bool,
    pub hypothetical: bool,
    pub historical: bool,
    pub family: bool,
    /// Said to be in the past by a history trigger ("history of", "s/p", "prior") or a past-history section,
    /// as opposed to a habit of the social history or a chronic course: what makes a personal-history code
    /// possible. Not part of the public flags.
    #[serde(skip)]
    pub past: bool,
    /// Placed in a calendar year by its sentence ("sustained a heart attack in 2018"): what makes an acute
    /// myocardial infarction an old one. Not part of the public flags.
    #[serde(skip)]
    pub dated: bool,
}

impl Assertion {
    /// Affirmed, current, the patient's, and certain.
    pub fn is_plain(&self) -> bool {
        !(self.negated || self.uncertain || self.hypothetical || self.historical || self.family)
    }

    fn set(&mut self, c: Category) {
        match c {
            Category::Negated => self.negated = true,
            Category::Uncertain => self.uncertain = true,
            Category::Hypothetical => self.hypothetical = true,
            Category::Historical => self.historical = true,
            Category::Family => self.family = true,
            Category::Pseudo | Category::Terminate => {}
        }
    }
}

/// What a trigger phrase does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Negated,
    Uncertain,
    Hypothetical,
    Historical,
    Family,
    Pseudo,
    Terminate,
}

/// Which words a trigger governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
    Both,
    /// Its own words: a topic that carries the category ("tobacco use" is social history).
    Itself,
    None,
}

#[derive(Debug, Clone, Copy)]
struct Trigger {
    category: Category,
    direction: Direction,
    /// For a terminator: the categories whose scopes it ends (bit per category); all when 0.
    ends: u8,
}

impl Trigger {
    fn ends(&self, scope: Category) -> bool {
        self.category == Category::Terminate && (self.ends == 0 || self.ends & category_bit(scope) != 0)
    }
}

/// A calendar year as notes write one: four digits from 1900 to 2099.
fn is_year(word: &str) -> bool {
    word.len() == 4 && (word.starts_with("19") || word.starts_with("20")) && word.bytes().all(|b| b.is_ascii_digit())
}

fn category_bit(c: Category) -> u8 {
    match c {
        Category::Negated => 1,
        Category::Uncertain => 2,
        Category::Hypothetical => 4,
        Category::Historical => 8,
        Category::Family => 16,
        Category::Pseudo | Category::Terminate => 0,
    }
}

/// Does a trigger end the scopes of other triggers? Topics ("tobacco use") do not: they are what scopes
/// are about.
fn ends_scopes(t: &Trigger) -> bool {
    t.category != Category::Terminate && t.direction != Direction::Itself
}

fn parse_category(name: &str) -> Option<Category> {
    Some(match name {
        "negated" => Category::Negated,
        "uncertain" => Category::Uncertain,
        "hypothetical" => Category::Hypothetical,
        "historical" => Category::Historical,
        "family" => Category::Family,
        "pseudo" => Category::Pseudo,
        "terminate" => Category::Terminate,
        _ => return None,
    })
}

/// Relatives named alone ("mother with ...") govern only a few words: "Mother reports that he has a fever" is
/// about the patient.
const FAMILY_WINDOW: usize = 6;

/// Backward triggers ("... was ruled out", "... in the past") govern only the words just before them.
const BACKWARD_WINDOW: usize = 8;

/// The compiled trigger list. Built once; shared by all requests.
pub struct ContextRules {
    vocab: HashMap<String, u32>,
    triggers: PhraseSet<Trigger>,
}

impl std::fmt::Debug for ContextRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContextRules").field("phrases", &self.triggers.len()).finish()
    }
}

/// One trigger's reach in a document: tokens `first..last` get `category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub category: Category,
    pub first: usize,
    pub last: usize,
    /// The trigger's own tokens.
    pub trigger: (usize, usize),
    /// A topic that carries its category ("tobacco use"), not a trigger governing other words.
    pub topic: bool,
}

/// Every scope of a document, computed once per note; mentions then look themselves up.
#[derive(Debug, Clone, Default)]
pub struct ContextMap {
    scopes: Vec<Scope>,
}

impl ContextRules {
    /// Parses `phrase <TAB> category <TAB> direction` lines.
    pub fn from_tsv(file: &str, text: &str, analyzer: &Analyzer) -> Result<ContextRules, BuildError> {
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut builder = PhraseSetBuilder::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |reason: String| BuildError::DataFile { file: file.into(), line: i + 1, reason };
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            let [phrase, category, direction] = cols[..] else {
                return Err(bad("expected `phrase<TAB>category<TAB>direction`".into()));
            };
            let category = parse_category(category).ok_or_else(|| bad(format!("unknown category {category:?}")))?;
            let mut ends = 0u8;
            let direction = match (category, direction) {
                (Category::Pseudo | Category::Terminate, "-") => Direction::None,
                (Category::Terminate, list) => {
                    for name in list.split(',') {
                        match parse_category(name) {
                            Some(c) if category_bit(c) != 0 => ends |= category_bit(c),
                            _ => return Err(bad(format!("terminate takes '-' or categories, not {list:?}"))),
                        }
                    }
                    Direction::None
                }
                (Category::Pseudo, other) => return Err(bad(format!("pseudo takes '-', not {other:?}"))),
                (_, "forward") => Direction::Forward,
                (_, "backward") => Direction::Backward,
                (_, "both") => Direction::Both,
                (_, "self") => Direction::Itself,
                (_, other) => return Err(bad(format!("unknown direction {other:?}"))),
            };
            let ids: Vec<u32> = analyzer
                .terms(phrase)
                .into_iter()
                .map(|t| {
                    let next = vocab.len() as u32 + 1;
                    *vocab.entry(t).or_insert(next)
                })
                .collect();
            if !builder.add(&ids, Trigger { category, direction, ends })? {
                return Err(bad("empty phrase".into()));
            }
        }
        Ok(ContextRules { vocab, triggers: builder.build()? })
    }

    /// Finds every trigger and its scope in a document.
    pub fn analyze(&self, doc: &Document<'_>) -> ContextMap {
        let ids: Vec<u32> =
            (0..doc.tokens().len()).map(|i| self.vocab.get(doc.norm(i)).copied().unwrap_or(0)).collect();
        let mut scopes = Vec::new();
        for sentence in doc.sentences() {
            let (s0, s1) = (sentence.first, sentence.last);
            // Pseudo-triggers win over any trigger they overlap, whatever its length ("there is no increase"),
            // except a longer trigger written around them ("do not appear related to" holds the pseudo "not
            // appear" and negates).
            let all = self.triggers.find_all(&ids[s0..s1]);
            let is_pseudo = |m: &crate::text::phrases::PhraseMatch| {
                self.triggers.payloads(m.phrase).iter().all(|t| t.category == Category::Pseudo)
            };
            let pseudo: Vec<_> = all.iter().filter(|m| is_pseudo(m)).copied().collect();
            let found = longest_non_overlapping(all, |m| {
                let around = |p: &crate::text::phrases::PhraseMatch| {
                    m.first <= p.first && p.last <= m.last && m.last - m.first > p.last - p.first
                };
                is_pseudo(m) || !pseudo.iter().any(|p| p.first < m.last && m.first < p.last && !around(p))
            });
            // Positions (document tokens) of every trigger and terminator in the sentence, in order.
            let marks: Vec<(usize, usize, Trigger)> = found
                .iter()
                .flat_map(|m| self.triggers.payloads(m.phrase).iter().map(move |&t| (s0 + m.first, s0 + m.last, t)))
                .filter(|(_, _, t)| t.category != Category::Pseudo)
                .collect();
            let hard_stop = |i: usize| matches!(doc.norm(i), ";");
            let comma_between = |a: usize, b: usize| (a..b).any(|i| matches!(doc.norm(i), "," | ";"));
            for (k, &(first, last, trigger)) in marks.iter().enumerate() {
                if trigger.category == Category::Terminate {
                    continue;
                }
                let limit =
                    if trigger.category == Category::Family && last - first == 1 { FAMILY_WINDOW } else { usize::MAX };
                if matches!(trigger.direction, Direction::Forward | Direction::Both) {
                    // A terminator ends the scope, and so does another trigger, except that a negation reaches
                    // through a history trigger it governs ("denies any history of asthma" negates asthma; "no
                    // family history of sudden death or personal history of syncope" negates syncope; "no fever,
                    // history of asthma" and "no family history of interest and personal history of hypertension"
                    // do not).
                    let passes = |m: &(usize, usize, Trigger)| {
                        trigger.category == Category::Negated
                            && m.2.category == Category::Historical
                            && !comma_between(last, m.0)
                            && !(last..m.0).any(|i| doc.norm(i) == "and")
                    };
                    let stop = marks[k + 1..]
                        .iter()
                        .filter(|m| m.0 >= last)
                        .find(|m| m.2.ends(trigger.category) || (ends_scopes(&m.2) && !passes(m)))
                        .map_or(s1, |m| m.0);
                    let mut end = last;
                    while end < stop && !hard_stop(end) && end - last < limit {
                        end += 1;
                    }
                    if end > last {
                        scopes.push(Scope {
                            category: trigger.category,
                            first: last,
                            last: end,
                            trigger: (first, last),
                            topic: false,
                        });
                    }
                }
                if trigger.direction == Direction::Itself {
                    scopes.push(Scope {
                        category: trigger.category,
                        first,
                        last,
                        trigger: (first, first),
                        topic: true,
                    });
                }
                // "Chest pain, likely GERD": a trigger that also governs the words after it, set off from what
                // precedes it by a comma, qualifies what follows; the symptom before the comma stays asserted.
                let qualifies_what_follows = first > s0
                    && matches!(doc.norm(first - 1), ",")
                    && last < s1
                    && !matches!(doc.norm(last), "." | "," | ";" | ":")
                    && marks.iter().any(|m| {
                        (m.0, m.1) == (first, last)
                            && m.2.category == trigger.category
                            && matches!(m.2.direction, Direction::Forward | Direction::Both)
                    });
                if matches!(trigger.direction, Direction::Backward | Direction::Both) && !qualifies_what_follows {
                    let stop = marks[..k]
                        .iter()
                        .rev()
                        .filter(|m| m.1 <= first)
                        .find(|m| m.2.ends(trigger.category) || ends_scopes(&m.2))
                        .map_or(s0, |m| m.1);
                    let mut begin = first;
                    while begin > stop && !hard_stop(begin - 1) && first - begin < limit.min(BACKWARD_WINDOW) {
                        begin -= 1;
                    }
                    if begin < first {
                        scopes.push(Scope {
                            category: trigger.category,
                            first: begin,
                            last: first,
                            trigger: (first, last),
                            topic: false,
                        });
                    }
                }
            }
        }
        ContextMap { scopes }
    }
}

impl ContextMap {
    /// The assertion of a mention spanning tokens `first..last`.
    pub fn assertion(&self, doc: &Document<'_>, first: usize, last: usize) -> Assertion {
        let mut a = Assertion::default();
        if first >= last || last > doc.tokens().len() {
            return a;
        }
        for s in &self.scopes {
            // A trigger inside the mention is part of what it names ("diverticulosis without diverticulitis"),
            // unless the mention starts with it ("status post CABG").
            let inside = first < s.trigger.0 && s.trigger.1 <= last;
            if s.first < last && first < s.last && !inside {
                a.set(s.category);
                if s.category == Category::Historical && !s.topic {
                    a.past = true;
                }
            }
        }
        // "in 2018" in the mention's sentence.
        let sentence = doc.sentence_of(first);
        a.dated = (sentence.first.max(1)..sentence.last).any(|i| is_year(doc.norm(i)) && doc.norm(i - 1) == "in");
        // A section's default holds under its header, but an inline label governs its own text only.
        let section = if doc.beyond_inline_header(first) { SectionKind::Unknown } else { doc.section_of(first) };
        match section {
            SectionKind::FamilyHistory => a.family = true,
            SectionKind::PastMedicalHistory | SectionKind::PastSurgicalHistory => {
                a.historical = true;
                a.past = true;
            }
            SectionKind::SocialHistory | SectionKind::Allergies => a.historical = true,
            _ => {}
        }
        a
    }

    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }
}

/// The assertion of one requested target (`cac context`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetAssertion {
    pub target: String,
    pub found: bool,
    pub begin: Option<usize>,
    pub end: Option<usize>,
    #[serde(flatten)]
    pub assertion: Assertion,
}

/// The first occurrence of `target` in `text`, case-insensitive, any run of whitespace in the target matching
/// any run of whitespace in the text. Returns character offsets `begin..end`.
pub fn find_target(text: &str, target: &str) -> Option<(usize, usize)> {
    let fold = |c: char| c.to_lowercase().next().unwrap_or(c);
    let words: Vec<Vec<char>> = target.split_whitespace().map(|w| w.chars().map(fold).collect()).collect();
    if words.is_empty() {
        return None;
    }
    let chars: Vec<char> = text.chars().map(fold).collect();
    'start: for begin in 0..chars.len() {
        let mut i = begin;
        for (k, word) in words.iter().enumerate() {
            if k > 0 {
                let gap = i;
                while i < chars.len() && chars[i].is_whitespace() {
                    i += 1;
                }
                if i == gap {
                    continue 'start;
                }
            }
            if chars.len() - i < word.len() || chars[i..i + word.len()] != word[..] {
                continue 'start;
            }
            i += word.len();
        }
        return Some((begin, i));
    }
    None
}

/// The tokens of a document that overlap characters `begin..end`.
pub fn tokens_in(doc: &Document<'_>, begin: usize, end: usize) -> Option<(usize, usize)> {
    let tokens = doc.tokens();
    let first = tokens.partition_point(|t| t.span.end <= begin);
    let last = tokens.partition_point(|t| t.span.begin < end);
    (first < last).then_some((first, last))
}

#[cfg(test)]
mod tests;
