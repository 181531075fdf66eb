using System;
using System.Collections;
using System.Collections.Generic;

namespace StaticCnn.Generator.Model;

/// <summary>
/// An immutable array with value equality, so that records holding it compare by content and the incremental
/// pipeline can cache them. (The generator's model never holds symbols, syntax or compilations.)
/// </summary>
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T> where T : IEquatable<T>
{
    /// <summary>The empty array.</summary>
    public static readonly EquatableArray<T> Empty = new(Array.Empty<T>());

    private readonly T[]? _items;

    /// <summary>Wraps <paramref name="items"/>; the caller must not mutate it afterwards.</summary>
    public EquatableArray(T[] items) => _items = items;

    /// <summary>Copies <paramref name="items"/>.</summary>
    public EquatableArray(IEnumerable<T> items) => _items = new List<T>(items).ToArray();

    /// <summary>Element count.</summary>
    public int Count => _items?.Length ?? 0;

    /// <summary>The element at <paramref name="index"/>.</summary>
    public T this[int index] => _items![index];

    /// <summary>The elements as a span.</summary>
    public ReadOnlySpan<T> AsSpan() => _items ?? Array.Empty<T>();

    /// <inheritdoc/>
    public bool Equals(EquatableArray<T> other)
    {
        T[] a = _items ?? Array.Empty<T>(), b = other._items ?? Array.Empty<T>();
        if (ReferenceEquals(a, b)) return true;
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (!EqualityComparer<T>.Default.Equals(a[i], b[i])) return false;
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        int h = 17;
        if (_items != null)
            foreach (T item in _items) h = unchecked(h * 31 + (item is null ? 0 : item.GetHashCode()));
        return h;
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? Array.Empty<T>())).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Value equality.</summary>
    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);
    /// <summary>Value inequality.</summary>
    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

    /// <summary>Wraps an array.</summary>
    public static implicit operator EquatableArray<T>(T[] items) => new(items);
}

/// <summary>Helpers to build <see cref="EquatableArray{T}"/>.</summary>
public static class EquatableArray
{
    /// <summary>Copies a list into an equatable array.</summary>
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) where T : IEquatable<T> => new(items);
}
