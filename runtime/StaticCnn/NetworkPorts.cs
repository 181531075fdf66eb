namespace StaticCnn;

/// <summary>Argument checks shared by the multi-tensor entry points of <see cref="INetwork"/> and generated networks.</summary>
public static class NetworkPorts
{
    /// <summary>Throws unless there is one tensor per input and one per output.</summary>
    /// <exception cref="ArgumentException">A count differs, naming the ports the network has.</exception>
    public static void CheckCounts(INetwork network, int inputs, int outputs, string inputsName, string outputsName)
    {
        IReadOnlyList<PortInfo> ins = network.Inputs, outs = network.Outputs;
        if (inputs != ins.Count)
            throw new ArgumentException($"{network.Name} has {ins.Count} input(s) ({Names(ins)}) but {inputs} tensor(s) were given.", inputsName);
        if (outputs != outs.Count)
            throw new ArgumentException($"{network.Name} has {outs.Count} output(s) ({Names(outs)}) but {outputs} tensor(s) were given.", outputsName);
    }

    /// <summary>The index of the port named <paramref name="name"/> (ordinal), or −1.</summary>
    public static int IndexOf(IReadOnlyList<PortInfo> ports, string name)
    {
        for (int i = 0; i < ports.Count; i++) if (ports[i].Name == name) return i;
        return -1;
    }

    /// <summary>The ports' names, comma-separated, for messages.</summary>
    public static string Names(IReadOnlyList<PortInfo> ports)
    {
        var names = new string[ports.Count];
        for (int i = 0; i < names.Length; i++) names[i] = ports[i].Name;
        return string.Join(", ", names);
    }
}
