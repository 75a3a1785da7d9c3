"""Computer vision: boxes, detection, segmentation (Chapter 5), each checked against a reference in tests/."""

from dlcourse.vision.average_precision import APResult, average_precision, match_detections
from dlcourse.vision.boxes import box_area, box_iou, nms
from dlcourse.vision.grid_detector import GridDetector, decode, detection_loss, encode_targets
from dlcourse.vision.segmentation import dice_score, mask_iou
from dlcourse.vision.unet import UNet

__all__ = ["APResult", "GridDetector", "UNet", "average_precision", "box_area", "box_iou", "decode", "detection_loss",
           "dice_score", "encode_targets", "mask_iou", "match_detections", "nms"]
