// Parley's stand-in for ankerl::unordered_dense: the worker uses only map, set and hash, which the standard
// library provides with the same interface (the worker does not rely on unordered_dense's extras).
#pragma once

#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace ankerl::unordered_dense {

template <class T> using hash = std::hash<T>;

template <class Key, class T, class Hash = std::hash<Key>, class KeyEqual = std::equal_to<Key>,
          class Allocator = std::allocator<std::pair<const Key, T>>>
using map = std::unordered_map<Key, T, Hash, KeyEqual, Allocator>;

template <class Key, class Hash = std::hash<Key>, class KeyEqual = std::equal_to<Key>,
          class Allocator = std::allocator<Key>>
using set = std::unordered_set<Key, Hash, KeyEqual, Allocator>;

} // namespace ankerl::unordered_dense
