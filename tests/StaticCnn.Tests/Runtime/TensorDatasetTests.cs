using StaticCnn.Data;
using Xunit;

namespace StaticCnn.Tests.Runtime;

/// <summary>TensorDataset: construction checks, accessors, deterministic Shuffle, Split, Slice and From.</summary>
public class TensorDatasetTests
{
    /// <summary>Sample i has floats (i, 10 + i) in "x", int label i % 3 and the 2×2 int map (i, i, -i, -i).</summary>
    private static TensorDataset Numbered(int count)
    {
        var x = new float[count * 2];
        var label = new int[count];
        var map = new int[count * 4];
        for (int i = 0; i < count; i++)
        {
            x[2 * i] = i;
            x[2 * i + 1] = 10 + i;
            label[i] = i % 3;
            map[4 * i] = map[4 * i + 1] = i;
            map[4 * i + 2] = map[4 * i + 3] = -i;
        }
        return new TensorDataset(count).Add("x", x, new TensorShape(2)).Add("label", label).Add("map", map, new TensorShape(2, 2));
    }

    [Fact]
    public void AddKeepsTheArraysAndReportsShapes()
    {
        var x = new float[12];
        var y = new int[4];
        var d = new TensorDataset(4).Add("x", x, new TensorShape(3)).Add("y", y);
        Assert.Equal(4, d.Count);
        Assert.Equal(new[] { "x", "y" }, d.Names);
        Assert.Same(x, d.Floats("x"));
        Assert.Same(y, d.Ints("y"));
        Assert.Equal(new TensorShape(3), d.ShapeOf("x"));
        Assert.Equal(new TensorShape(1), d.ShapeOf("y"));
        Assert.True(d["y"].IsInt);
        Assert.False(d["x"].IsInt);
        Assert.True(d.Contains("x"));
        Assert.False(d.Contains("X"));
        Assert.Throws<InvalidOperationException>(() => d.Ints("x"));
        var missing = Assert.Throws<KeyNotFoundException>(() => d["z"]);
        Assert.Contains("x, y", missing.Message);
    }

    [Fact]
    public void AddRejectsBadLengthsDuplicateAndEmptyNames()
    {
        var d = new TensorDataset(4).Add("x", new float[8], new TensorShape(2));
        var len = Assert.Throws<ArgumentException>(() => d.Add("y", new float[9], new TensorShape(2)));
        Assert.Contains("9 floats do not hold 4 samples of 2 (8 floats)", len.Message);
        var ints = Assert.Throws<ArgumentException>(() => d.Add("label", new int[3]));
        Assert.Contains("3 ints do not hold 4 samples", ints.Message);
        var dup = Assert.Throws<ArgumentException>(() => d.Add("x", new int[4]));
        Assert.Contains("already has a tensor named \"x\"", dup.Message);
        Assert.Throws<ArgumentException>(() => d.Add("", new int[4]));
        Assert.Throws<ArgumentException>(() => d.Add("  ", new float[4], new TensorShape(1)));
        Assert.Equal(new[] { "x" }, d.Names);
    }

    [Fact]
    public void ShuffleIsDeterministicAndPermutesEveryTensorAlike()
    {
        var d = Numbered(50);
        var a = d.Shuffle(7);
        var b = d.Shuffle(7);
        var c = d.Shuffle(8);
        Assert.Equal(a.Floats("x"), b.Floats("x"));
        Assert.Equal(a.Ints("map"), b.Ints("map"));
        Assert.NotEqual(a.Floats("x"), c.Floats("x"));
        Assert.NotSame(d.Floats("x"), a.Floats("x"));
        // A permutation: every sample once, and its tensors still together.
        var seen = new bool[50];
        for (int i = 0; i < 50; i++)
        {
            int k = (int)a.Floats("x")[2 * i];
            Assert.False(seen[k]);
            seen[k] = true;
            Assert.Equal(10 + k, a.Floats("x")[2 * i + 1]);
            Assert.Equal(k % 3, a.Ints("label")[i]);
            Assert.Equal(new[] { k, k, -k, -k }, a.Ints("map").AsSpan(4 * i, 4).ToArray());
        }
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (float)i), Enumerable.Range(0, 50).Select(i => a.Floats("x")[2 * i]));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (float)i), Enumerable.Range(0, 50).Select(i => d.Floats("x")[2 * i])); // the original is untouched
    }

    [Fact]
    public void SplitTakesTheLastSamplesAsValidation()
    {
        var d = Numbered(10);
        var (train, val) = d.Split(0.3f);
        Assert.Equal(7, train.Count);
        Assert.Equal(3, val.Count);
        Assert.Equal(new float[] { 7, 17, 8, 18, 9, 19 }, val.Floats("x"));
        Assert.Equal(new[] { 1, 2, 0 }, val.Ints("label"));
        Assert.Equal(new[] { 9, 9, -9, -9 }, val.Ints("map").AsSpan(8, 4).ToArray());
        Assert.Equal(new float[] { 0, 10 }, train.Floats("x").AsSpan(0, 2).ToArray());
        var (t2, v2) = Numbered(1000).Split(0.1f);
        Assert.Equal((900, 100), (t2.Count, v2.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Split(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Split(1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Split(float.NaN));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => d.Split(-0.2f));
        Assert.Equal("validationFraction", ex.ParamName);
    }

    [Fact]
    public void SliceCopiesARange()
    {
        var d = Numbered(6);
        var s = d.Slice(2, 3);
        Assert.Equal(3, s.Count);
        Assert.Equal(new float[] { 2, 12, 3, 13, 4, 14 }, s.Floats("x"));
        Assert.Equal(new[] { 2, 0, 1 }, s.Ints("label"));
        Assert.Equal(0, d.Slice(6, 0).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Slice(5, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Slice(-1, 1));
    }

    [Fact]
    public void FromInMemoryDatasetSharesItsArrays()
    {
        var mem = TestData.Blobs(20, 4);
        var d = TensorDataset.From(mem);
        Assert.Equal(20, d.Count);
        Assert.Equal(new[] { "Input", "label" }, d.Names);
        Assert.Same(mem.Images, d.Floats("Input"));
        Assert.Same(mem.Labels, d.Ints("label"));
        Assert.Equal(mem.Shape, d.ShapeOf("Input"));
        var named = TensorDataset.From(mem, "Image", "digit");
        Assert.Equal(new[] { "Image", "digit" }, named.Names);
    }

    private static unsafe long Address(float[] array, int offset)
    {
        fixed (float* p = &array[offset]) return (long)p;
    }

    [Fact]
    public void BatchIteratorVisitsEverySampleInTheOrderOfBatchIterator()
    {
        var mem = TestData.Blobs(37, 5);
        var tensors = TensorDataset.From(mem);
        using var reference = new BatchIterator(mem, 8, shuffle: true, seed: 9);
        var it = new TensorBatchIterator(tensors.Tensors, tensors.Count, 8, shuffle: true, seed: 9, dropLast: false);
        Assert.Equal(5, it.BatchesPerEpoch);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            reference.StartEpoch(epoch);
            it.StartEpoch(epoch);
            int batches = 0;
            while (reference.Next(out Span<float> images, out ReadOnlySpan<int> labels, out int batch))
            {
                Assert.True(it.Next(out int b));
                Assert.Equal(batch, b);
                var src = it.Sources;
                Assert.Equal(0, Address(src[0].Floats!, src[0].Offset) % 64);
                Assert.True(images.SequenceEqual(src[0].Floats.AsSpan(src[0].Offset, batch * mem.SampleSize)));
                Assert.True(labels.SequenceEqual(src[1].Ints.AsSpan(0, batch)));
                batches++;
            }
            Assert.False(it.Next(out _));
            Assert.Equal(5, batches);
        }
        var dropping = new TensorBatchIterator(tensors.Tensors, tensors.Count, 8, shuffle: false, seed: 0, dropLast: true);
        Assert.Equal(4, dropping.BatchesPerEpoch);
    }
}
