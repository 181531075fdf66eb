using System.Runtime.CompilerServices;

namespace StaticCnn;

/// <summary>Which fan a Kaiming initializer preserves.</summary>
public enum FanMode
{
    /// <summary>Preserve the variance of the forward pass: fan_in = dim1 × receptive field.</summary>
    FanIn,
    /// <summary>Preserve the variance of the backward pass: fan_out = dim0 × receptive field.</summary>
    FanOut,
}

/// <summary>
/// A small, fully specified pseudo-random generator: xoshiro256** seeded through SplitMix64. Unlike
/// <see cref="System.Random"/>, the sequence for a seed is fixed by this source, on every runtime and platform.
/// A mutable struct: pass it by <c>ref</c>.
/// </summary>
public struct SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Seeds the four state words with SplitMix64(<paramref name="seed"/>).</summary>
    public SeededRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>One SplitMix64 step: advances <paramref name="state"/> and returns a well-mixed 64-bit value.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Mixes a seed with a stream identifier (e.g. a hash of a tensor name) into an independent seed.</summary>
    public static ulong Derive(ulong seed, ulong stream)
    {
        ulong x = seed ^ (stream * 0xD1B54A32D192ED03UL);
        return SplitMix64(ref x);
    }

    /// <summary>FNV-1a hash of a string: a stable stream id for <see cref="Derive"/>.</summary>
    public static ulong Hash(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in text) { h ^= c; h *= 1099511628211UL; }
        return h;
    }

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (every value exactly representable as float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / 16777216f);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform integer in [0, <paramref name="bound"/>) without modulo bias (Lemire's method).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound must be positive.");
        ulong m = (ulong)(uint)(NextUInt64() >> 32) * (ulong)(uint)bound;
        uint low = (uint)m;
        if (low < (uint)bound)
        {
            uint threshold = (uint)(-bound) % (uint)bound;
            while (low < threshold)
            {
                m = (ulong)(uint)(NextUInt64() >> 32) * (ulong)(uint)bound;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>A standard normal sample (Box–Muller in double precision).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}

/// <summary>
/// Parameter initialization. <see cref="ResetParameters"/> reproduces PyTorch's default initialization of each layer
/// kind; the span initializers mirror <c>torch.nn.init</c>. All are seeded and deterministic (they use
/// <see cref="SeededRandom"/>, so the values are the same on every platform; they are not PyTorch's values, only its
/// distributions).
/// </summary>
public static class Initializers
{
    /// <summary>
    /// Re-initializes every tensor of <paramref name="network"/> as PyTorch's <c>reset_parameters</c> does, by the rule
    /// its layer kind gave it (<see cref="TensorInfo.Init"/>): convolution and linear weights U(−1/√fan_in, 1/√fan_in)
    /// (kaiming_uniform with a = √5), their biases U(−1/√fan_in, 1/√fan_in) with the weight's fan_in; BatchNorm weight 1,
    /// bias 0, running_mean 0, running_var 1. Each tensor draws from its own stream derived from <paramref name="seed"/>
    /// and its name, so the values of one tensor do not depend on the other layers. Tensors with
    /// <see cref="TensorInit.None"/> are left unchanged.
    /// </summary>
    /// <param name="network">The network whose <see cref="INetwork.Parameters"/> and <see cref="INetwork.Buffers"/> are written.</param>
    /// <param name="seed">Seed; the same seed gives the same parameters.</param>
    public static void ResetParameters(INetwork network, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        IReadOnlyList<TensorInfo> tensors = network.Tensors;
        for (int i = 0; i < tensors.Count; i++)
        {
            TensorInfo t = tensors[i];
            Span<float> data = t.Role == TensorRole.Parameter
                ? network.Parameters.Slice(t.Offset, t.Length)
                : network.Buffers.Slice(t.Offset, t.Length);
            var rng = new SeededRandom(SeededRandom.Derive(seed, SeededRandom.Hash(t.Name)));
            switch (t.Init)
            {
                case TensorInit.UniformFanIn:
                {
                    float bound = 1f / MathF.Sqrt(Math.Max(1, ComputeFans(t.Shape).FanIn));
                    Uniform(data, -bound, bound, ref rng);
                    break;
                }
                case TensorInit.UniformWeightFanIn:
                {
                    TensorInfo? w = FindSibling(network, t, "weight");
                    int fanIn = w is null ? t.Length : ComputeFans(w.Shape).FanIn;
                    float bound = fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
                    Uniform(data, -bound, bound, ref rng);
                    break;
                }
                case TensorInit.Zeros: Constant(data, 0f); break;
                case TensorInit.Ones: Constant(data, 1f); break;
            }
        }
    }

    /// <summary>
    /// PyTorch's <c>_calculate_fan_in_and_fan_out</c>: fan_in = shape[1] × receptive field, fan_out = shape[0] × receptive
    /// field, receptive field = product of shape[2..]. A Conv2D weight [out, in/g, kh, kw] gives fan_in = (in/g)·kh·kw;
    /// a ConvTranspose2D weight [in, out/g, kh, kw] gives (out/g)·kh·kw; a Dense weight [out, in] gives in.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 dimensions (as PyTorch).</exception>
    public static (int FanIn, int FanOut) ComputeFans(ReadOnlySpan<int> shape)
    {
        if (shape.Length < 2)
            throw new ArgumentException($"Fan in and fan out cannot be computed for a tensor with {shape.Length} dimension(s); it needs at least 2.", nameof(shape));
        int receptive = 1;
        for (int i = 2; i < shape.Length; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>
    /// PyTorch's <c>nn.init.calculate_gain</c>: "linear", "conv2d", "sigmoid" → 1; "tanh" → 5/3; "relu" → √2;
    /// "leaky_relu" → √(2 / (1 + slope²)) with slope <paramref name="param"/> (default 0.01); "selu" → 3/4.
    /// </summary>
    public static float Gain(string nonlinearity, float param = 0.01f) => nonlinearity switch
    {
        "linear" or "conv2d" or "conv_transpose2d" or "sigmoid" or "identity" => 1f,
        "tanh" => 5f / 3f,
        "relu" => MathF.Sqrt(2f),
        "leaky_relu" => MathF.Sqrt(2f / (1f + param * param)),
        "selu" => 0.75f,
        _ => throw new ArgumentException($"Unknown nonlinearity '{nonlinearity}'.", nameof(nonlinearity)),
    };

    /// <summary>Fills with <paramref name="value"/>. PyTorch: <c>nn.init.constant_</c>.</summary>
    public static void Constant(Span<float> tensor, float value) => tensor.Fill(value);

    /// <summary>Fills with U(<paramref name="low"/>, <paramref name="high"/>). PyTorch: <c>nn.init.uniform_(t, a, b)</c>.</summary>
    public static void Uniform(Span<float> tensor, float low, float high, ref SeededRandom rng)
    {
        float width = high - low;
        for (int i = 0; i < tensor.Length; i++) tensor[i] = low + width * rng.NextFloat();
    }

    /// <summary>Seeded overload of <see cref="Uniform(Span{float}, float, float, ref SeededRandom)"/>.</summary>
    public static void Uniform(Span<float> tensor, float low, float high, ulong seed)
    {
        var rng = new SeededRandom(seed);
        Uniform(tensor, low, high, ref rng);
    }

    /// <summary>Fills with N(<paramref name="mean"/>, <paramref name="std"/>²). PyTorch: <c>nn.init.normal_(t, mean, std)</c>.</summary>
    public static void Normal(Span<float> tensor, float mean, float std, ref SeededRandom rng)
    {
        for (int i = 0; i < tensor.Length; i++) tensor[i] = (float)(mean + std * rng.NextGaussian());
    }

    /// <summary>Seeded overload of <see cref="Normal(Span{float}, float, float, ref SeededRandom)"/>.</summary>
    public static void Normal(Span<float> tensor, float mean, float std, ulong seed)
    {
        var rng = new SeededRandom(seed);
        Normal(tensor, mean, std, ref rng);
    }

    /// <summary>
    /// Kaiming (He) uniform: U(−b, b) with b = gain·√(3 / fan). PyTorch: <c>nn.init.kaiming_uniform_(t, a, mode, nonlinearity)</c>
    /// with gain = <see cref="Gain"/>(nonlinearity, a); the default gain √2 is ReLU's.
    /// </summary>
    /// <param name="tensor">Values, laid out as <paramref name="shape"/>.</param>
    /// <param name="shape">PyTorch shape (at least 2 dimensions), used for the fans.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="mode">Which fan to use.</param>
    /// <param name="gain">The nonlinearity's gain.</param>
    public static void KaimingUniform(Span<float> tensor, ReadOnlySpan<int> shape, ref SeededRandom rng, FanMode mode = FanMode.FanIn, float gain = 1.4142135f)
    {
        var (fanIn, fanOut) = ComputeFans(shape);
        int fan = mode == FanMode.FanIn ? fanIn : fanOut;
        float bound = gain * MathF.Sqrt(3f / Math.Max(1, fan));
        Uniform(tensor, -bound, bound, ref rng);
    }

    /// <summary>Kaiming (He) normal: N(0, (gain/√fan)²). PyTorch: <c>nn.init.kaiming_normal_</c>.</summary>
    public static void KaimingNormal(Span<float> tensor, ReadOnlySpan<int> shape, ref SeededRandom rng, FanMode mode = FanMode.FanIn, float gain = 1.4142135f)
    {
        var (fanIn, fanOut) = ComputeFans(shape);
        int fan = mode == FanMode.FanIn ? fanIn : fanOut;
        Normal(tensor, 0f, gain / MathF.Sqrt(Math.Max(1, fan)), ref rng);
    }

    /// <summary>Xavier (Glorot) uniform: U(−b, b) with b = gain·√(6 / (fan_in + fan_out)). PyTorch: <c>nn.init.xavier_uniform_</c>.</summary>
    public static void XavierUniform(Span<float> tensor, ReadOnlySpan<int> shape, ref SeededRandom rng, float gain = 1f)
    {
        var (fanIn, fanOut) = ComputeFans(shape);
        float bound = gain * MathF.Sqrt(6f / Math.Max(1, fanIn + fanOut));
        Uniform(tensor, -bound, bound, ref rng);
    }

    /// <summary>Xavier (Glorot) normal: N(0, gain²·2 / (fan_in + fan_out)). PyTorch: <c>nn.init.xavier_normal_</c>.</summary>
    public static void XavierNormal(Span<float> tensor, ReadOnlySpan<int> shape, ref SeededRandom rng, float gain = 1f)
    {
        var (fanIn, fanOut) = ComputeFans(shape);
        Normal(tensor, 0f, gain * MathF.Sqrt(2f / Math.Max(1, fanIn + fanOut)), ref rng);
    }

    private static string Suffix(string name)
    {
        int dot = name.LastIndexOf('.');
        return dot < 0 ? name : name.Substring(dot + 1);
    }

    private static TensorInfo? FindSibling(INetwork network, TensorInfo t, string suffix)
    {
        LayerInfo layer = network.Layers[t.Layer];
        for (int i = layer.FirstTensor; i >= 0 && i < layer.FirstTensor + layer.TensorCount; i++)
        {
            TensorInfo s = network.Tensors[i];
            if (s.Role == TensorRole.Parameter && Suffix(s.Name) == suffix) return s;
        }
        // Fall back to a name match when the layer's tensor range is not filled in.
        string prefix = t.Name.Substring(0, Math.Max(0, t.Name.LastIndexOf('.') + 1));
        foreach (TensorInfo s in network.Tensors)
            if (s.Name == prefix + suffix) return s;
        return null;
    }
}
