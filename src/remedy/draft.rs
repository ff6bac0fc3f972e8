//! Remedies as they are built, before they become [`Remedy`] structs or JSON.
//!
//! Most of a remedy is catalog text and fixed commands that live as long as the program, and
//! its identity policy is written as JSON text anyway (for the `put-*-policy` command). A
//! draft borrows the former and keeps the latter as text, so that the JSON printer, which
//! never needs the structs, writes a remedy without copying catalog texts into new strings or
//! building and printing a `serde_json::Value`.

use crate::record::Remedy;
use serde_json::Value;
use std::borrow::Cow;

/// A text of a draft: borrowed from the catalog or built for the record.
pub type Text = Cow<'static, str>;

/// One remedy being built: the fields of [`Remedy`], in cheaper forms.
#[derive(Debug)]
pub struct Draft {
    pub id: &'static str,
    pub title: Text,
    pub explanation: Text,
    pub steps: Vec<Text>,
    pub policy: Option<Policy>,
    pub apply: Vec<Text>,
    /// Sorted by key, as the map of [`Remedy::snippets`] holds them.
    snippets: Vec<(&'static str, Text)>,
}

/// The policy document of a remedy.
#[derive(Debug)]
pub enum Policy {
    /// The document as compact JSON text, byte for byte what serde_json prints for its value.
    Json(Text),
    Value(Value),
}

impl Draft {
    pub fn new(id: &'static str, title: Text, explanation: Text, steps: Vec<Text>) -> Draft {
        Draft {
            id,
            title,
            explanation,
            steps,
            policy: None,
            apply: Vec::new(),
            snippets: Vec::new(),
        }
    }

    /// Add a step.
    pub fn step(&mut self, text: impl Into<Text>) {
        self.steps.push(text.into());
    }

    /// Add a command that applies the fix.
    pub fn command(&mut self, cmd: impl Into<Text>) {
        self.apply.push(cmd.into());
    }

    /// Set the snippet for `tool`, replacing any it had.
    pub fn set_snippet(&mut self, tool: &'static str, text: impl Into<Text>) {
        match self.snippets.binary_search_by(|(k, _)| k.cmp(&tool)) {
            Ok(i) => self.snippets[i].1 = text.into(),
            Err(i) => self.snippets.insert(i, (tool, text.into())),
        }
    }

    /// The snippets, sorted by tool.
    pub fn snippets(&self) -> &[(&'static str, Text)] {
        &self.snippets
    }

    /// The remedy as the library hands it out.
    pub fn into_remedy(self) -> Remedy {
        let owned = |v: Vec<Text>| v.into_iter().map(Cow::into_owned).collect();
        Remedy {
            id: self.id.to_string(),
            title: self.title.into_owned(),
            explanation: self.explanation.into_owned(),
            steps: owned(self.steps),
            policy: self.policy.map(|p| match p {
                // The text is what serde_json prints for the document, so it reads back as
                // the same value.
                Policy::Json(text) => {
                    serde_json::from_str(&text).expect("a generated policy is valid JSON")
                }
                Policy::Value(v) => v,
            }),
            apply: owned(self.apply),
            snippets: self
                .snippets
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.into_owned()))
                .collect(),
        }
    }
}
