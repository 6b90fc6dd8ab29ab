//! Declarative helpers shared by the wire modules: open string enums and validated id newtypes.

/// Declares a string enum with known variants plus `Other(String)`, which keeps any value Meta
/// sends that this crate does not know yet, verbatim, so it re-serializes unchanged.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $s:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value not known to this crate, kept exactly as Meta sent it.
            Other(String),
        }

        impl $name {
            /// The wire spelling of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $s, )+
                    Self::Other(s) => s,
                }
            }

            /// Maps a wire string to a known variant, or keeps it in `Other`.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $( $s => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }

            /// Whether this is a value known to this crate (not `Other`).
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from_wire(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $( $s => Self::$variant, )+
                    _ => Self::Other(s),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl ::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a string (", stringify!($name), ")"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from_wire(v))
                    }
                    fn visit_string<E: ::serde::de::Error>(self, v: String) -> Result<$name, E> {
                        Ok($name::from(v))
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

/// Declares a validated id newtype over `String` (see [`crate::ids`] for the rules).
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Validates `s` with the inbound id rules (non-empty, at most
            /// [`MAX_ID_LEN`](crate::ids::MAX_ID_LEN) bytes, no whitespace or control characters).
            pub fn parse(s: impl Into<String>) -> Result<Self, $crate::ids::IdError> {
                let s = s.into();
                $crate::ids::check_id(&s, $what)?;
                Ok(Self(s))
            }

            /// The id as sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Consumes the id and returns the owned string.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::ids::IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::ids::IdError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::ids::IdError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::parse(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl ::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a string (", $what, ")"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $name::parse(v).map_err(E::custom)
                    }
                    fn visit_string<E: ::serde::de::Error>(self, v: String) -> Result<$name, E> {
                        $name::parse(v).map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

/// Declares a struct for an object in Meta's `"type": "<name>", "<name>": {…}` form, with
/// hand-written serde impls that parse in one pass whatever the key order (see
/// `wire::visit_typed`). Required fields fail with "missing field"; optional ones are
/// `Option`; the content slot is `C` (requires `type`) or `Option<C>`; unknown keys land in
/// `extra`.
macro_rules! typed_object {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            required { $( $(#[$rdoc:meta])* $rfield:ident : $rty:ty = $rkey:literal ),* $(,)? }
            optional { $( $(#[$odoc:meta])* $ofield:ident : $oty:ty = $okey:literal ),* $(,)? }
            $(#[$cdoc:meta])*
            content $cfield:ident : $cty:ty = $content:ty;
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $( $(#[$rdoc])* pub $rfield: $rty, )*
            $( $(#[$odoc])* pub $ofield: Option<$oty>, )*
            $(#[$cdoc])*
            pub $cfield: $cty,
            /// Unknown fields, kept verbatim.
            pub extra: ::serde_json::Map<String, ::serde_json::Value>,
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> ::serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    #[allow(unused_mut, unreachable_code)]
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> Result<$name, A::Error> {
                        $( let mut $rfield: Option<$rty> = None; )*
                        $( let mut $ofield: Option<$oty> = None; )*
                        let typed = $crate::wire::visit_typed::<A, $content, _>(map, |key, _map| {
                            match key {
                                $( $rkey => $rfield = Some(_map.next_value()?), )*
                                $( $okey => $ofield = _map.next_value()?, )*
                                _ => return Ok(false),
                            }
                            Ok(true)
                        })?;
                        let content = <$cty as $crate::wire::ContentSlot<$content>>::from_typed(typed.content)
                            .ok_or_else(|| <A::Error as ::serde::de::Error>::missing_field("type"))?;
                        Ok($name {
                            $( $rfield: $rfield.ok_or_else(|| <A::Error as ::serde::de::Error>::missing_field($rkey))?, )*
                            $( $ofield, )*
                            $cfield: content,
                            extra: typed.extra,
                        })
                    }
                }
                d.deserialize_map(V)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut m = s.serialize_map(None)?;
                $( m.serialize_entry($rkey, &self.$rfield)?; )*
                $( $crate::wire::put_opt(&mut m, $okey, &self.$ofield)?; )*
                <$cty as $crate::wire::ContentSlot<$content>>::write(&self.$cfield, &mut m)?;
                $crate::wire::put_extra(&mut m, &self.extra)?;
                m.end()
            }
        }
    };
}
