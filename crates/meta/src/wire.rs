//! Crate-internal serde plumbing for the hand-written (de)serializers: borrowed map keys,
//! optional-entry helpers, and the "`type` plus a same-named object" pattern Meta uses for
//! message content.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A JSON object key, borrowed from the input when possible (serde_json borrows keys without
/// escapes), so hot paths don't allocate per key.
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(V)
    }
}

/// Writes `key: value` when `value` is `Some`.
pub(crate) fn put_opt<M: SerializeMap, T: Serialize>(
    m: &mut M,
    key: &str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(v) => m.serialize_entry(key, v),
        None => Ok(()),
    }
}

/// Writes every entry of an `extra` map.
pub(crate) fn put_extra<M: SerializeMap>(
    m: &mut M,
    extra: &Map<String, Value>,
) -> Result<(), M::Error> {
    extra.iter().try_for_each(|(k, v)| m.serialize_entry(k, v))
}

/// Converts one of our own values to JSON. Our types never fail to serialize (all map keys
/// are strings, non-finite floats become `null`), so the fallback is unreachable in practice.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A content union in Meta's `"type": "<name>", "<name>": { … }` form (messages, echoes,
/// history messages, interactive replies, outbound messages).
pub(crate) trait ContentSet: Sized {
    /// If `key` names a content type this set knows, reads its object from `map`. Otherwise
    /// returns `Ok(None)` without consuming the value.
    fn parse_known<'de, A: MapAccess<'de>>(
        key: &str,
        map: &mut A,
    ) -> Result<Option<Self>, A::Error>;
    /// The value for a `type` whose same-named object is absent.
    fn without_object(type_name: String) -> Self;
    /// The value for a `type` this set does not know, with its raw object.
    fn unknown(type_name: String, raw: Value) -> Self;
    /// The `type` string this value serializes with.
    fn type_name(&self) -> &str;
    /// Hands the same-named object to `visitor`; `None` when there is no object. The one
    /// per-variant match that [`ContentSet::object_json`] and [`ContentSet::write_into`]
    /// share.
    fn visit_object<V: ObjectVisitor>(&self, visitor: V) -> Option<V::Output>;

    /// The same-named object, as JSON, when there is one (used to put stray objects back
    /// into `extra` losslessly).
    fn object_json(&self) -> Option<Value> {
        self.visit_object(ToJson)
    }

    /// Writes `"type"` and the same-named object (if any) into `m`.
    fn write_into<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        let name = self.type_name();
        m.serialize_entry("type", name)?;
        self.visit_object(Entry { map: m, key: name })
            .unwrap_or(Ok(()))
    }
}

/// What to do with a content value's same-named object, whatever its Rust type.
pub(crate) trait ObjectVisitor {
    /// The result of the visit.
    type Output;
    /// Visits the object.
    fn visit<T: Serialize + ?Sized>(self, object: &T) -> Self::Output;
}

/// Converts the object to JSON.
struct ToJson;

impl ObjectVisitor for ToJson {
    type Output = Value;
    fn visit<T: Serialize + ?Sized>(self, object: &T) -> Value {
        to_json(object)
    }
}

/// Writes the object as the entry `key` of a map being serialized.
struct Entry<'a, M> {
    map: &'a mut M,
    key: &'a str,
}

impl<M: SerializeMap> ObjectVisitor for Entry<'_, M> {
    type Output = Result<(), M::Error>;
    fn visit<T: Serialize + ?Sized>(self, object: &T) -> Self::Output {
        self.map.serialize_entry(self.key, object)
    }
}

/// The outcome of reading a `type`-tagged object: the content (absent when the object has no
/// `type`) and every key neither the caller nor the content set claimed.
pub(crate) struct Typed<C> {
    pub(crate) content: Option<C>,
    pub(crate) extra: Map<String, Value>,
}

/// Reads a `type`-tagged object in one pass, whatever the key order. `own` gets first pick of
/// each key (returning `true` if it consumed the value); content objects are parsed typed as
/// they are met, and the one matching `type` is selected at the end.
pub(crate) fn visit_typed<'de, A, C, F>(mut map: A, mut own: F) -> Result<Typed<C>, A::Error>
where
    A: MapAccess<'de>,
    C: ContentSet,
    F: FnMut(&str, &mut A) -> Result<bool, A::Error>,
{
    let mut type_name: Option<String> = None;
    let mut objects: Vec<C> = Vec::new();
    let mut extra = Map::new();
    while let Some(key) = map.next_key::<Key<'de>>()? {
        let key = key.as_str();
        if key == "type" {
            type_name = Some(map.next_value()?);
        } else if !own(key, &mut map)? {
            match C::parse_known(key, &mut map)? {
                Some(object) => objects.push(object),
                None => {
                    extra.insert(key.to_owned(), map.next_value()?);
                }
            }
        }
    }
    let content = select(type_name, objects, &mut extra);
    Ok(Typed { content, extra })
}

fn select<C: ContentSet>(
    type_name: Option<String>,
    objects: Vec<C>,
    extra: &mut Map<String, Value>,
) -> Option<C> {
    let mut found = None;
    for object in objects {
        let matches = type_name.as_deref() == Some(object.type_name());
        if matches && found.is_none() {
            found = Some(object);
        } else if let Some(json) = object.object_json() {
            // An object that doesn't match `type` (or a duplicate) is kept verbatim.
            extra.insert(object.type_name().to_owned(), json);
        }
    }
    let type_name = type_name?;
    Some(match found {
        Some(content) => content,
        None => match extra.remove(&type_name) {
            Some(raw) => C::unknown(type_name, raw),
            None => C::without_object(type_name),
        },
    })
}

/// Where a [`ContentSet`] value is stored: `C` itself (the `type` key is required) or
/// `Option<C>` (an object without `type` is accepted, e.g. a send request Meta will reject).
pub(crate) trait ContentSlot<C>: Sized {
    /// Wraps what `visit_typed` found; `None` means "required but absent".
    fn from_typed(content: Option<C>) -> Option<Self>;
    /// Writes `type` and the content object, if any.
    fn write<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error>;
}

impl<C: ContentSet> ContentSlot<C> for C {
    fn from_typed(content: Option<C>) -> Option<Self> {
        content
    }
    fn write<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        self.write_into(m)
    }
}

impl<C: ContentSet> ContentSlot<C> for Option<C> {
    fn from_typed(content: Option<C>) -> Option<Self> {
        Some(content)
    }
    fn write<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        match self {
            Some(content) => content.write_into(m),
            None => Ok(()),
        }
    }
}

/// `Option<Option<T>>` for fields where Meta sends an explicit `null` (template `reason`):
/// absent → `None`, `null` → `Some(None)`, value → `Some(Some(v))`. Use with
/// `#[serde(default, deserialize_with = "…", skip_serializing_if = "Option::is_none")]`.
pub(crate) fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
