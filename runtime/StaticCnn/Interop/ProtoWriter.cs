using System.Buffers.Binary;
using System.Text;

namespace StaticCnn.Interop;

/// <summary>
/// The protocol-buffers wire format, as much of it as ONNX needs: varints, fixed32 floats, length-delimited strings,
/// bytes and nested messages, written into a growable byte buffer. Fields are written in the order called; a nested
/// message is a finished <see cref="ProtoWriter"/> copied in behind its length. Not thread-safe (one writer per thread).
/// </summary>
internal sealed class ProtoWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    private const int Varint = 0, Fixed32 = 5, LengthDelimited = 2;

    /// <summary>An int64/int32/enum field (varint; negative values take ten bytes, as protobuf requires).</summary>
    public ProtoWriter Int(int field, long value)
    {
        Tag(field, Varint);
        WriteVarint(unchecked((ulong)value));
        return this;
    }

    /// <summary>A float field (fixed32, little-endian).</summary>
    public ProtoWriter Float(int field, float value)
    {
        Tag(field, Fixed32);
        Ensure(4);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.AsSpan(_length), value);
        _length += 4;
        return this;
    }

    /// <summary>A string field (UTF-8).</summary>
    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Header(field, value.Length);
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
        return this;
    }

    /// <summary>An embedded message field.</summary>
    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.Written);

    /// <summary>The tag and length of a length-delimited field whose <paramref name="length"/> bytes the caller writes next (elsewhere).</summary>
    public ProtoWriter Header(int field, long length)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)length);
        return this;
    }

    /// <summary>Bytes a length-delimited field of <paramref name="length"/> bytes takes in all.</summary>
    public static long FieldSize(int field, long length) => VarintSize((ulong)field << 3) + VarintSize((ulong)length) + length;

    private static int VarintSize(ulong v)
    {
        int n = 1;
        while (v >= 0x80) { v >>= 7; n++; }
        return n;
    }

    private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong v)
    {
        Ensure(10);
        while (v >= 0x80)
        {
            _buffer[_length++] = (byte)(v | 0x80);
            v >>= 7;
        }
        _buffer[_length++] = (byte)v;
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        long want = Math.Max((long)_buffer.Length * 2, (long)_length + more);
        if (want > Array.MaxLength) want = Math.Max(Array.MaxLength, _length + more);
        Array.Resize(ref _buffer, checked((int)want));
    }
}
