using Gated.IO;
using Gated.Tensors;
using PureHDF;
using PureHDF.VOL.Native;

namespace Gated.Serialization;

/// <summary>
/// The few HDF5 reads Keras model files need, on PureHDF: groups by path, float datasets with their shapes, and
/// string attributes (fixed-length bytes as Keras 2 writes them, or variable-length UTF-8). Every PureHDF failure on a
/// damaged file becomes a ModelFormatException naming the file.
/// </summary>
internal sealed class KerasHdf5 : IDisposable
{
    private readonly NativeFile _file;
    private readonly string _source;

    private KerasHdf5(NativeFile file, string source)
    {
        _file = file;
        _source = source;
    }

    /// <summary>Opens HDF5 bytes (a .h5 file, or model.weights.h5 out of a .keras zip).</summary>
    public static KerasHdf5 Open(byte[] bytes, string source) =>
        Guard(source, () => new KerasHdf5(H5File.Open(new MemoryStream(bytes, writable: false), leaveOpen: false), source));

    public void Dispose() => _file.Dispose();

    /// <summary>Whether a group exists at the '/'-separated path.</summary>
    public bool HasGroup(string path) => Guard(_source, () => _file.LinkExists(path) && _file.Get(path) is IH5Group);

    /// <summary>The names of a group's children, in the file's order.</summary>
    public IReadOnlyList<string> ChildNames(string path) => Guard(_source, () => _file.Group(path).Children().Select(c => c.Name).ToList());

    /// <summary>A float32 (or float64, narrowed) dataset with its shape.</summary>
    public Tensor Dataset(string path) => Guard(_source, () =>
    {
        var dataset = _file.Dataset(path);
        int[] shape = [.. dataset.Space.Dimensions.Select(d => checked((int)d))];
        if (dataset.Type.Class != H5DataTypeClass.FloatingPoint || dataset.Type.Size is not (4 or 8))
        {
            throw new ModelFormatException($"{_source}: weight '{path}' is not float32 or float64 ({dataset.Type.Class}, {dataset.Type.Size} bytes).");
        }

        float[] data = dataset.Type.Size == 4 ? dataset.Read<float[]>() : [.. dataset.Read<double[]>().Select(v => (float)v)];
        return new Tensor(data, shape);
    });

    /// <summary>A string attribute of the object at path ("/" for the file), or null when it is absent.</summary>
    public string? StringAttribute(string path, string name) => Guard(_source, () =>
    {
        IH5Object target = path == "/" ? _file : _file.Get(path);
        if (!target.AttributeExists(name))
        {
            return null;
        }

        var attribute = target.Attribute(name);
        return IsString(attribute) ? attribute.Read<string>() : null;
    });

    /// <summary>A string-array attribute (Keras 2's layer_names, weight_names); empty when absent or empty.</summary>
    public IReadOnlyList<string> StringsAttribute(string path, string name) => Guard(_source, () =>
    {
        var target = _file.Get(path);
        if (!target.AttributeExists(name))
        {
            return (IReadOnlyList<string>)[];
        }

        var attribute = target.Attribute(name);
        // Keras writes an empty list as np.asarray([]), a float64 array of no elements.
        if (!IsString(attribute) || attribute.Space.Dimensions.Aggregate(1UL, (a, d) => a * d) == 0)
        {
            return [];
        }

        return attribute.Read<string[]>();
    });

    // h5py writes str and bytes as variable-length strings (class VariableLength), numpy "S" arrays as fixed-length ones.
    private static bool IsString(IH5Attribute attribute) =>
        attribute.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength;

    private static T Guard<T>(string source, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not ModelFormatException and not OutOfMemoryException)
        {
            throw new ModelFormatException($"{source}: not a readable HDF5 file ({e.Message})", e);
        }
    }
}
