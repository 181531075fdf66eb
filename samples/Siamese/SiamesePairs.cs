using StaticCnn;
using StaticCnn.Data;

namespace StaticCnn.Samples.Siamese;

/// <summary>
/// Image pairs for same/different learning, made from a labelled image set: <see cref="Left"/>[k] and
/// <see cref="Right"/>[k] are image indices, <see cref="Same"/>[k] is 1 when they show the same class and 0 otherwise.
/// Exactly half of the pairs (rounded down) are same-class pairs; every class is equally likely on the left, and a
/// different pair's right class is uniform over the other classes, so that a balanced pair set comes from a slightly
/// unbalanced image set. The two images of a pair are always distinct. The pairs depend only on the labels, the
/// range and the seed (<see cref="SeededRandom"/>). PyTorch: the usual <c>SiameseDataset.__getitem__</c> that draws a
/// same pair for even indices and a different pair for odd ones, with a seeded generator.
/// </summary>
public sealed class SiamesePairs
{
    /// <summary>Name of the left image tensor in <see cref="ToDataset"/> (the network input <c>Left</c>).</summary>
    public const string LeftName = "Left";
    /// <summary>Name of the right image tensor (the network input <c>Right</c>).</summary>
    public const string RightName = "Right";
    /// <summary>Name of the pair-label tensor: one float per pair, 1 = same class, 0 = different.</summary>
    public const string SameName = "same";

    private SiamesePairs(int[] left, int[] right, float[] same, int[] leftClass, int[] rightClass)
        => (Left, Right, Same, LeftClass, RightClass) = (left, right, same, leftClass, rightClass);

    /// <summary>Index of each pair's left image in the image set.</summary>
    public int[] Left { get; }
    /// <summary>Index of each pair's right image.</summary>
    public int[] Right { get; }
    /// <summary>Pair labels: 1 = same class, 0 = different (ContrastiveLoss's convention).</summary>
    public float[] Same { get; }
    /// <summary>Class of each pair's left image.</summary>
    public int[] LeftClass { get; }
    /// <summary>Class of each pair's right image.</summary>
    public int[] RightClass { get; }
    /// <summary>Number of pairs.</summary>
    public int Count => Same.Length;

    /// <summary>
    /// Draws <paramref name="count"/> pairs from the images <paramref name="first"/> .. first + <paramref name="length"/> − 1
    /// (all of them when length is −1), in a shuffled order with same and different pairs mixed.
    /// </summary>
    /// <param name="labels">The class of every image (0 .. classes − 1).</param>
    /// <param name="count">Number of pairs; ⌊count/2⌋ are same pairs.</param>
    /// <param name="seed">Seed of the draw.</param>
    /// <param name="first">First image of the range drawn from.</param>
    /// <param name="length">Number of images in the range, or −1 for the rest of the set.</param>
    /// <exception cref="ArgumentException">The range is outside the set, or it has fewer than two classes with two images each.</exception>
    public static SiamesePairs Make(int[] labels, int count, ulong seed, int first = 0, int length = -1)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (length < 0) length = labels.Length - first;
        if (first < 0 || length < 0 || first > labels.Length - length)
            throw new ArgumentException($"Images {first}..{first + length - 1} are not inside the {labels.Length} labels.", nameof(first));

        // Images of each class in the range, in index order.
        int classes = 0;
        for (int i = first; i < first + length; i++)
        {
            if (labels[i] < 0) throw new ArgumentException($"Image {i} has the negative class {labels[i]}.", nameof(labels));
            classes = Math.Max(classes, labels[i] + 1);
        }
        var byClass = new List<int>[classes];
        for (int c = 0; c < classes; c++) byClass[c] = new List<int>();
        for (int i = first; i < first + length; i++) byClass[labels[i]].Add(i);
        int[] usable = Enumerable.Range(0, classes).Where(c => byClass[c].Count >= 2).ToArray();
        if (usable.Length < 2)
            throw new ArgumentException($"Images {first}..{first + length - 1} have {usable.Length} class(es) with two images or more; pairs need two.", nameof(labels));

        var rng = new SeededRandom(seed);
        var left = new int[count];
        var right = new int[count];
        var same = new float[count];
        for (int k = 0; k < count; k++)
        {
            bool isSame = k < count / 2;
            int ia = rng.NextInt(usable.Length);
            List<int> ofA = byClass[usable[ia]];
            int li = rng.NextInt(ofA.Count);
            left[k] = ofA[li];
            if (isSame)
            {
                int ri = rng.NextInt(ofA.Count - 1);           // any other image of the class
                right[k] = ofA[ri >= li ? ri + 1 : ri];
            }
            else
            {
                int ib = rng.NextInt(usable.Length - 1);       // any other class
                List<int> ofB = byClass[usable[ib >= ia ? ib + 1 : ib]];
                right[k] = ofB[rng.NextInt(ofB.Count)];
            }
            same[k] = isSame ? 1f : 0f;
        }
        // Mix same and different pairs (Fisher–Yates).
        for (int k = count - 1; k > 0; k--)
        {
            int j = rng.NextInt(k + 1);
            (left[k], left[j]) = (left[j], left[k]);
            (right[k], right[j]) = (right[j], right[k]);
            (same[k], same[j]) = (same[j], same[k]);
        }
        return new SiamesePairs(left, right, same, Array.ConvertAll(left, i => labels[i]), Array.ConvertAll(right, i => labels[i]));
    }

    /// <summary>
    /// The pairs as a <see cref="TensorDataset"/> for <c>Trainer.Fit</c>: tensors <c>Left</c> and <c>Right</c> (the
    /// images, copied, each of <paramref name="imageShape"/>) and <c>same</c> (one float per pair).
    /// </summary>
    /// <param name="images">The image set the pairs index, image after image.</param>
    /// <param name="imageShape">Shape of one image, e.g. (1, 28, 28).</param>
    /// <exception cref="ArgumentException">The images are fewer than the pairs index.</exception>
    public TensorDataset ToDataset(float[] images, TensorShape imageShape)
    {
        ArgumentNullException.ThrowIfNull(images);
        int size = imageShape.Size;
        var l = new float[Count * size];
        var r = new float[Count * size];
        for (int k = 0; k < Count; k++)
        {
            if ((long)(Math.Max(Left[k], Right[k]) + 1) * size > images.Length)
                throw new ArgumentException($"Pair {k} indexes image {Math.Max(Left[k], Right[k])}, but there are {images.Length / size} images.", nameof(images));
            images.AsSpan(Left[k] * size, size).CopyTo(l.AsSpan(k * size));
            images.AsSpan(Right[k] * size, size).CopyTo(r.AsSpan(k * size));
        }
        return new TensorDataset(Count).Add(LeftName, l, imageShape).Add(RightName, r, imageShape).Add(SameName, (float[])Same.Clone(), new TensorShape(1));
    }
}
