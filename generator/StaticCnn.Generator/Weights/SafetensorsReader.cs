using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StaticCnn.Generator.Weights;

/// <summary>
/// A minimal safetensors reader for build time (netstandard2.0, no JSON library): an 8-byte little-endian header
/// length, a JSON object <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}</c>,
/// then the raw little-endian data. Every failure is a message for SCNN0401, never an exception.
/// </summary>
internal static class SafetensorsReader
{
    /// <summary>One tensor entry of the header; <see cref="Begin"/>/<see cref="End"/> are absolute byte offsets in the file.</summary>
    internal sealed record Entry(string Name, string Dtype, int[] Shape, long Begin, long End);

    /// <summary>Parses the header of <paramref name="bytes"/>; returns null and sets <paramref name="error"/> on failure.</summary>
    public static List<Entry>? ReadHeader(byte[] bytes, out string? error)
    {
        error = null;
        if (bytes.Length < 8) { error = "the file is " + bytes.Length + " bytes long, shorter than the 8-byte header length"; return null; }
        ulong n = BitConverter.ToUInt64(bytes, 0);
        if (!BitConverter.IsLittleEndian) n = Swap(n);
        if (n < 2 || n > (ulong)(bytes.Length - 8)) { error = "the header length " + n + " does not fit the " + bytes.Length + "-byte file"; return null; }
        string json = Encoding.UTF8.GetString(bytes, 8, (int)n);
        long dataStart = 8 + (long)n;
        object? root;
        try
        {
            var p = new Json(json);
            root = p.Value();
            p.End();
        }
        catch (FormatException ex)
        {
            error = "the JSON header is malformed (" + ex.Message + ")";
            return null;
        }
        if (root is not List<KeyValuePair<string, object?>> obj) { error = "the JSON header is not an object"; return null; }
        var entries = new List<Entry>();
        foreach (KeyValuePair<string, object?> kv in obj)
        {
            if (kv.Key == "__metadata__") continue;
            if (kv.Value is not List<KeyValuePair<string, object?>> t) { error = "the entry '" + kv.Key + "' is not an object"; return null; }
            string? dtype = null; List<object?>? shape = null, offsets = null;
            foreach (KeyValuePair<string, object?> f in t)
            {
                if (f.Key == "dtype") dtype = f.Value as string;
                else if (f.Key == "shape") shape = f.Value as List<object?>;
                else if (f.Key == "data_offsets") offsets = f.Value as List<object?>;
            }
            if (dtype == null || shape == null || offsets == null || offsets.Count != 2)
            { error = "the entry '" + kv.Key + "' lacks dtype, shape or data_offsets"; return null; }
            var dims = new int[shape.Count];
            for (int i = 0; i < dims.Length; i++)
            {
                if (shape[i] is not double d || d < 0 || d > int.MaxValue || d != Math.Floor(d)) { error = "the shape of '" + kv.Key + "' is not a list of sizes"; return null; }
                dims[i] = (int)d;
            }
            if (offsets[0] is not double b || offsets[1] is not double e || b < 0 || e < b || dataStart + e > bytes.Length)
            { error = "the data_offsets of '" + kv.Key + "' lie outside the file's " + (bytes.Length - dataStart) + " data bytes"; return null; }
            entries.Add(new Entry(kv.Key, dtype, dims, dataStart + (long)b, dataStart + (long)e));
        }
        return entries;
    }

    /// <summary>The little-endian F32 data of <paramref name="e"/>.</summary>
    public static float[] ReadF32(byte[] bytes, Entry e)
    {
        var data = new float[(e.End - e.Begin) / 4];
        for (int i = 0; i < data.Length; i++)
        {
            int at = (int)e.Begin + 4 * i;
            if (BitConverter.IsLittleEndian) data[i] = BitConverter.ToSingle(bytes, at);
            else data[i] = BitConverter.ToSingle(new[] { bytes[at + 3], bytes[at + 2], bytes[at + 1], bytes[at] }, 0);
        }
        return data;
    }

    private static ulong Swap(ulong v)
    {
        ulong r = 0;
        for (int i = 0; i < 8; i++) { r = (r << 8) | (v & 0xFF); v >>= 8; }
        return r;
    }

    /// <summary>A small JSON parser: objects as ordered key/value lists, arrays as lists, numbers as double.</summary>
    private sealed class Json
    {
        private readonly string _s;
        private int _i;
        public Json(string s) => _s = s;

        public void End() { Ws(); if (_i != _s.Length) throw new FormatException("unexpected text at " + _i); }

        private void Ws() { while (_i < _s.Length && char.IsWhiteSpace(_s[_i])) _i++; }

        private char Peek() { Ws(); if (_i >= _s.Length) throw new FormatException("unexpected end"); return _s[_i]; }

        private void Expect(char c) { if (Peek() != c) throw new FormatException("expected '" + c + "' at " + _i); _i++; }

        public object? Value()
        {
            char c = Peek();
            if (c == '{')
            {
                _i++;
                var list = new List<KeyValuePair<string, object?>>();
                if (Peek() == '}') { _i++; return list; }
                while (true)
                {
                    string key = Str();
                    Expect(':');
                    list.Add(new KeyValuePair<string, object?>(key, Value()));
                    char d = Peek(); _i++;
                    if (d == '}') return list;
                    if (d != ',') throw new FormatException("expected ',' or '}' at " + (_i - 1));
                }
            }
            if (c == '[')
            {
                _i++;
                var list = new List<object?>();
                if (Peek() == ']') { _i++; return list; }
                while (true)
                {
                    list.Add(Value());
                    char d = Peek(); _i++;
                    if (d == ']') return list;
                    if (d != ',') throw new FormatException("expected ',' or ']' at " + (_i - 1));
                }
            }
            if (c == '"') return Str();
            if (Word("true")) return true;
            if (Word("false")) return false;
            if (Word("null")) return null;
            int start = _i;
            while (_i < _s.Length && "+-0123456789.eE".IndexOf(_s[_i]) >= 0) _i++;
            if (start == _i || !double.TryParse(_s.Substring(start, _i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                throw new FormatException("unexpected character at " + start);
            return v;
        }

        private bool Word(string w)
        {
            if (string.CompareOrdinal(_s, _i, w, 0, w.Length) != 0) return false;
            _i += w.Length;
            return true;
        }

        private string Str()
        {
            Expect('"');
            var sb = new StringBuilder();
            while (true)
            {
                if (_i >= _s.Length) throw new FormatException("unterminated string");
                char c = _s[_i++];
                if (c == '"') return sb.ToString();
                if (c != '\\') { sb.Append(c); continue; }
                if (_i >= _s.Length) throw new FormatException("unterminated string");
                char e = _s[_i++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'u':
                        if (_i + 4 > _s.Length) throw new FormatException("bad \\u escape");
                        sb.Append((char)int.Parse(_s.Substring(_i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        _i += 4;
                        break;
                    default: sb.Append(e); break;
                }
            }
        }
    }
}
